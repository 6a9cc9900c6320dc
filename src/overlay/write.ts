import { existsSync, readdirSync, statSync, writeFile as writeFileWithCallback } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { RegistryAccess } from '../metadata/sdr.js';
import { ExitCode } from '../exit-codes.js';
import { mapLimit } from '../metadata/snapshot.js';
import type { Snapshot, SnapshotFile } from '../metadata/types.js';
import { overlayMessages as messages } from './messages.js';

/** Marks a folder as written by sf-federate, so a later run may replace it and nothing else. */
export const OUTPUT_MARKER = '.sf-federate-output';

export type WriteOptions = {
  /** `source` (default: the format the snapshot was read in) or `metadata` (package.xml, converted by SDR). */
  readonly format?: 'source' | 'metadata';
  readonly registry?: RegistryAccess;
  /**
   * The text of the sfdx-project.json the snapshot was read from: a source-format tree gets it back (package aliases,
   * registry presets, which package directory is the default), narrowed to the package directories written.
   */
  readonly projectJson?: string;
};

export type WriteResult = { readonly outputDir: string; readonly format: 'source' | 'metadata'; readonly files: number };

/**
 * Writes a snapshot as a deployable tree, all at once: into a staging folder beside the target that replaces it only
 * when everything was written. Source format gets an sfdx-project.json naming its package directories; metadata
 * format is converted by SDR and gets a package.xml. A target holding anything not written by sf-federate is refused.
 */
type PackageDirectory = { path?: unknown; default?: unknown };

/**
 * The files a snapshot's components are written as. A component merged from several files (a CustomLabels file in
 * each of two package directories) is written as those files, each in its package directory, as in the source: SDR
 * merges them again on deploy.
 */
function filesToWrite(snapshot: Snapshot): SnapshotFile[] {
  const files: SnapshotFile[] = [];
  for (const component of snapshot.components.values()) {
    if (component.xml) files.push(...(component.xml.parts ?? [component.xml]));
    files.push(...component.content);
  }
  return files;
}

/** The written tree's sfdx-project.json: the original one narrowed to the package directories written, or a new one. */
function projectFor(snapshot: Snapshot, projectJson: string | undefined): Record<string, unknown> {
  // Only the package directories something is written into: one the overlay emptied (all its components excluded)
  // is not created, and SfProject refuses a project that names a missing one.
  const files = filesToWrite(snapshot);
  const holding = (dir: string): boolean => files.some((file) => file.path.startsWith(`${dir}/`));
  const packageDirs = snapshot.packageDirs.filter((dir) => dir !== '.' && holding(dir));
  const normalized = (path: unknown): string => String(path).replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  const original = projectJson ? (JSON.parse(projectJson) as Record<string, unknown>) : undefined;
  const written = new Set(packageDirs.map(normalized));
  const entries = (Array.isArray(original?.packageDirectories) ? (original.packageDirectories as PackageDirectory[]) : []).filter((entry) =>
    written.has(normalized(entry.path))
  );
  if (!original || entries.length === 0) {
    return {
      packageDirectories: (packageDirs.length ? packageDirs : ['.']).map((path, index) => ({ path, default: index === 0 })),
      sourceApiVersion: snapshot.apiVersion,
    };
  }
  // The default one may be among those left out: then the first written is the default.
  const withDefault = entries.some((entry) => entry.default === true) ? entries : entries.map((entry, index) => ({ ...entry, default: index === 0 }));
  return { ...original, packageDirectories: withDefault, sourceApiVersion: snapshot.apiVersion };
}

/**
 * Refuses, before compare and before writing, an output folder that is a file, or a folder holding anything sf-federate did not write
 * (it would be replaced).
 */
export function assertOutputUsable(outputDir: string): void {
  if (!existsSync(outputDir)) return;
  if (!statSync(outputDir).isDirectory()) throw messages.createError('error.OutputIsAFile', [outputDir], [], ExitCode.BadInput);
  if (readdirSync(outputDir).length > 0 && !existsSync(join(outputDir, OUTPUT_MARKER))) {
    throw messages.createError('error.OutputNotEmpty', [outputDir], [], ExitCode.BadInput);
  }
}

export async function writeSnapshot(snapshot: Snapshot, outputDir: string, options: WriteOptions = {}): Promise<WriteResult> {
  const format = options.format ?? snapshot.source.format;
  assertOutputUsable(outputDir);
  await mkdir(dirname(outputDir), { recursive: true });
  const staging = await mkdtemp(join(dirname(outputDir), `.${basename(outputDir)}.staging-`));
  try {
    let files: number;
    if (format === 'metadata') {
      const sourceDir = await mkdtemp(join(tmpdir(), 'sf-federate-overlay-'));
      try {
        await writeFiles(snapshot, sourceDir);
        const registry = options.registry ?? new RegistryAccess();
        // SDR's index (converters, ComponentSet) is loaded only when metadata format is written.
        const { ComponentSet, MetadataConverter } = await import('@salesforce/source-deploy-retrieve');
        const set = ComponentSet.fromSource({ fsPaths: [sourceDir], registry });
        set.sourceApiVersion = snapshot.apiVersion;
        set.apiVersion = snapshot.apiVersion;
        await new MetadataConverter(registry).convert(set, 'metadata', { type: 'directory', outputDirectory: staging, genUniqueDir: false });
        files = countFiles(staging);
      } finally {
        await rm(sourceDir, { recursive: true, force: true });
      }
    } else {
      files = await writeFiles(snapshot, staging);
      await writeFile(join(staging, 'sfdx-project.json'), `${JSON.stringify(projectFor(snapshot, options.projectJson), null, 2)}\n`);
    }
    await writeFile(join(staging, OUTPUT_MARKER), 'Written by sf-federate; the next run replaces this folder.\n');
    if (existsSync(outputDir)) {
      const old = `${staging}.old`;
      await rename(outputDir, old);
      await rename(staging, outputDir);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(staging, outputDir);
    }
    return { outputDir, format, files };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** `fs.writeFile`'s callback form: for thousands of small files, about half the CPU of the promise API's FileHandle. */
const writeFileFast = promisify(writeFileWithCallback);

async function writeFiles(snapshot: Snapshot, root: string): Promise<number> {
  const files = filesToWrite(snapshot);
  const dirs = new Set(files.map((file) => dirname(join(root, file.path))));
  for (const dir of dirs) await mkdir(dir, { recursive: true }); // eslint-disable-line no-await-in-loop
  await mapLimit(files, 64, async (file) => writeFileFast(join(root, file.path), await file.read()));
  return files.length;
}

function countFiles(dir: string): number {
  let count = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) count += entry.isDirectory() ? countFiles(join(dir, entry.name)) : 1;
  return count;
}
