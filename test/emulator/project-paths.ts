/*
 * Which folders of a source-format folder the emulated org is made from. An org started from a project holds what
 * `sf project deploy start` would deploy from it: the package directories of its sfdx-project.json, not every file
 * below the root (a project also keeps overlays, scripts, data and other files that never reach an org).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SfProject } from '@salesforce/core';

export type SourcePaths = {
  /** Folders to read with SDR: the package directories, or the folder itself. */
  readonly fsPaths: readonly string[];
  /** The project's folder when the folder is a project (its registry settings apply), else undefined. */
  readonly projectDir?: string;
};

/**
 * A folder holding sfdx-project.json is read as that project, through the SfProject of the sf CLI (so a listed
 * package directory that is missing is its error, as in `sf`); any other folder, a package directory inside a project
 * included, as a whole.
 */
export async function sourcePathsOf(folder: string): Promise<SourcePaths> {
  const dir = resolve(folder);
  if (!existsSync(join(dir, 'sfdx-project.json'))) return { fsPaths: [dir] };
  const project = await SfProject.resolve(dir);
  return { fsPaths: project.getUniquePackageDirectories().map((packageDir) => packageDir.fullPath), projectDir: dir };
}
