import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { mergedFile } from '../metadata/merged-file.js';
import type { Component, ComponentKey, Snapshot, SnapshotFile } from '../metadata/types.js';

/** A base read from a folder inside the project, with its paths made project-relative. */
export type ProjectFolderBase = {
  readonly snapshot: Snapshot;
  /** The folder, project-relative (`pkg2`, `force-app/main/default/classes`); undefined when the base is not one. */
  readonly folder?: string;
};

/**
 * A bare source folder read as `dir:force-app` (or `git:REF:force-app`) has paths relative to itself (`main/default/…`).
 * Inside the project, it is a part of it: its paths get the folder's project-relative path back, so that the overlay's
 * path rules and files/ meet it at the paths they are written with, and the build is laid out as the project is
 * (`force-app/main/…`, what `sf project deploy start -d build/china/force-app` expects). Its package directory is the
 * project's that holds the folder, else the folder itself. Any other base (a project, a metadata-format folder, a
 * folder outside the project, a whole git ref, an org) is returned as it is.
 */
export function atProjectPaths(base: Snapshot, projectDir: string, projectPackageDirs: readonly string[]): ProjectFolderBase {
  if (base.source.format !== 'source' || !isFolderRelative(base)) return { snapshot: base };
  const folder = projectFolderOf(base, projectDir);
  if (folder === undefined || folder === '' || folder === '..' || folder.startsWith('../') || isAbsolute(folder)) return { snapshot: base };

  const packageDir = projectPackageDirs.find((dir) => folder === dir || folder.startsWith(`${dir}/`)) ?? folder;
  return { snapshot: atFolder(base, folder, packageDir), folder };
}

/** The base's paths put under `folder` (project-relative), as package directory `packageDir` of the project. */
function atFolder(base: Snapshot, folder: string, packageDir: string): Snapshot {
  const prefixed = (path: string): string => `${folder}/${path}`;
  const file = (each: SnapshotFile): SnapshotFile => {
    if (!each.parts) return { ...each, path: prefixed(each.path) };
    const parts = each.parts.map(file);
    return mergedFile(parts[0], parts.slice(1));
  };
  const components = new Map<ComponentKey, Component>();
  for (const [key, component] of base.components) {
    components.set(key, { ...component, xml: component.xml ? file(component.xml) : undefined, content: component.content.map(file) });
  }
  const denies = base.forceIgnore?.denies;
  const snapshot: Snapshot = {
    ...base,
    components,
    unclassified: base.unclassified.map((entry) => ({ ...entry, path: prefixed(entry.path) })),
    packageDirs: [packageDir],
    ...(base.forceIgnore && denies
      ? { forceIgnore: { text: base.forceIgnore.text, denies: (path: string): boolean => path.startsWith(`${folder}/`) && denies(path.slice(folder.length + 1)) } }
      : {}),
  };
  return snapshot;
}

/** The region's side of `diff --region` (`--to`), with what its paths can be matched against. */
export type RegionSide = {
  readonly snapshot: Snapshot;
  /** Whether its paths are project-relative, so that federate.yml `owns` path globs can judge them. */
  readonly projectPaths: boolean;
};

/**
 * The region's side (`--to`) at project paths, as atProjectPaths puts `--from`: a folder of the project at its place.
 * A bare source folder outside the project (`--to dir:../cn/pkg2`) has no place of its own: compared with a folder of
 * the project (`--from dir:pkg2`), it is the region's copy of that folder and takes its place (`pkg2/main/…`);
 * compared with anything else, nothing says which package directory it mirrors, so its paths are not project paths
 * and `owns` path globs do not judge them (a glob naming force-app must not match pkg2's copy because the folder-relative
 * paths `main/default/…` are the same).
 */
export function regionSideAtProjectPaths(to: Snapshot, projectDir: string, projectPackageDirs: readonly string[], from: ProjectFolderBase): RegionSide {
  const own = atProjectPaths(to, projectDir, projectPackageDirs);
  if (own.folder !== undefined || !isFolderRelative(to)) return { snapshot: own.snapshot, projectPaths: true };
  if (from.folder !== undefined) return { snapshot: atFolder(to, from.folder, from.snapshot.packageDirs[0]), projectPaths: true };
  return { snapshot: to, projectPaths: false };
}

/**
 * Whether a snapshot's paths are relative to the folder read, not to a project: a source folder without sfdx-project.json
 * or a metadata-format folder (package directory `.`) left where atProjectPaths found no place for it.
 */
export function isFolderRelative(snapshot: Snapshot): boolean {
  return snapshot.packageDirs.length === 1 && snapshot.packageDirs[0] === '.';
}

/**
 * The source's folder relative to the project, `/`-separated: a `dir:` folder's, or the work tree's place of a
 * `git:REF:PATH` folder (PATH is relative to the repository's top, which need not be the project folder). Undefined
 * for other sources, and for a folder with an sfdx-project.json of its own: a project, whose paths are already its own.
 */
function projectFolderOf(base: Snapshot, projectDir: string): string | undefined {
  const { source } = base;
  let rel: string;
  if (source.kind === 'dir') {
    if (existsSync(join(source.label, 'sfdx-project.json'))) return undefined;
    rel = relative(projectDir, source.label);
  } else if (source.kind === 'git' && base.workTreeFolder !== undefined) {
    // git names the work tree by its real path: the project's is compared the same way.
    rel = relative(realPath(projectDir), base.workTreeFolder);
  } else {
    return undefined;
  }
  return rel.split('\\').join('/');
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
