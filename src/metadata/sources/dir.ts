import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { RegistryAccess } from '@salesforce/source-deploy-retrieve';
import { ExitCode } from '../../exit-codes.js';
import { metadataMessages as messages } from '../messages.js';
import { findProjectDir, readProjectFile } from '../project.js';
import { registryFor } from '../registry.js';
import { ForceIgnore } from '../sdr.js';
import { buildSnapshot } from '../snapshot.js';
import type { Snapshot, SnapshotForceIgnore, SourceInfo } from '../types.js';
import { folderStore } from './folder-store.js';
import type { ReadOptions, SourceSpec } from './source.js';

/** What a folder turned out to be. */
export type FolderLayout =
  | { readonly kind: 'project'; readonly root: string; readonly packageDirs: readonly string[]; readonly sourceApiVersion?: string }
  | { readonly kind: 'metadata'; readonly root: string }
  | { readonly kind: 'source'; readonly root: string };

/** An SFDX project (sfdx-project.json), a metadata-format folder (package.xml at its root), or a source folder. */
export function detectLayout(path: string): FolderLayout {
  const root = resolve(path);
  if (!existsSync(root)) throw messages.createError('error.MissingPath', [path], [], ExitCode.BadInput);
  if (!statSync(root).isDirectory()) throw messages.createError('error.NotAFolder', [path], [], ExitCode.BadInput);
  const project = readProjectFile(root);
  if (project) return { kind: 'project', root, packageDirs: project.packageDirs, sourceApiVersion: project.sourceApiVersion };
  if (existsSync(join(root, 'package.xml'))) return { kind: 'metadata', root };
  return { kind: 'source', root };
}

/**
 * Reads `dir:PATH`. A metadata-format folder is converted to source format by SDR first, into a temporary folder, so
 * that the same org in either format gives the same snapshot.
 */
export async function readDirSource(spec: SourceSpec, options: ReadOptions): Promise<Snapshot> {
  const layout = detectLayout(resolve(options.projectDir, spec.value));
  const registryDir = layout.kind === 'project' ? layout.root : findProjectDir(layout.root) ?? options.projectDir;
  const registry = registryFor(existsSync(join(registryDir, 'sfdx-project.json')) ? registryDir : undefined);
  const info = (format: SourceInfo['format']): SourceInfo => ({ kind: 'dir', spec: `dir:${spec.value}`, label: layout.root, format });

  if (layout.kind === 'metadata') return readMetadataFolder(layout.root, info('metadata'), registry, options);
  const packageDirs = narrow(layout.kind === 'project' ? layout.packageDirs : ['.'], options.sourceDirs, layout.root, options.sourceDirsMayBeMissing === true);
  // As sf project deploy, a project whose package directory is missing is refused, with the directory named (SDR
  // would fail on it as on an unreadable file).
  const missing = packageDirs.find((dir) => !existsSync(join(layout.root, dir)));
  if (missing !== undefined) {
    throw messages.createError('error.MissingPackageDirectory', [missing, join(layout.root, 'sfdx-project.json')], [], ExitCode.BadInput);
  }
  const snapshot = await buildSnapshot(folderStore(layout.root), {
    registry,
    source: info('source'),
    apiVersion: options.apiVersion,
    packageDirs,
    onProgress: options.onProgress,
  });
  if (snapshot.components.size === 0) {
    throw messages.createError('error.NoMetadata', [layout.root, snapshot.unclassified.length], [], ExitCode.BadInput);
  }
  const own =
    layout.kind === 'project'
      ? { ...(layout.sourceApiVersion ? { projectApiVersion: layout.sourceApiVersion } : {}), projectText: readFileSync(join(layout.root, 'sfdx-project.json'), 'utf8') }
      : {};
  return { ...snapshot, forceIgnore: folderForceIgnore(layout.root), ...own };
}

/**
 * A metadata-format folder (package.xml at its root), converted to source format by SDR first, into a temporary
 * folder, so that the same org in either format gives the same snapshot. `source` says where it came from (a folder,
 * or a folder of a git ref written out for the conversion).
 */
export async function readMetadataFolder(root: string, source: SourceInfo, registry: RegistryAccess, options: ReadOptions): Promise<Snapshot> {
  const converted = await convertToSource(root, registry, options);
  // The conversion already left out what the folder's .forceignore hides; the temporary copy takes no other one.
  const snapshot = await buildSnapshot(folderStore(converted, { forceIgnoreText: undefined }), {
    registry,
    source,
    apiVersion: options.apiVersion,
    packageDirs: ['.'],
    onProgress: options.onProgress,
  });
  if (snapshot.components.size === 0) {
    throw messages.createError('error.NoMetadata', [source.kind === 'dir' ? root : source.spec, snapshot.unclassified.length], [], ExitCode.BadInput);
  }
  return snapshot;
}

/** The .forceignore SDR's resolver finds for a folder (the nearest at or above it), for a pair to compare with. */
function folderForceIgnore(root: string): SnapshotForceIgnore {
  let text: string | undefined;
  for (let dir = root; ; dir = dirname(dir)) {
    const file = join(dir, '.forceignore');
    if (existsSync(file)) {
      text = readFileSync(file, 'utf8');
      break;
    }
    if (dirname(dir) === dir) break;
  }
  const forceIgnore = ForceIgnore.findAndCreate(root);
  return { text, denies: (path): boolean => forceIgnore.denies(join(root, path)) };
}

function narrow(packageDirs: readonly string[], sourceDirs: readonly string[] | undefined, root: string, mayBeMissing: boolean): readonly string[] {
  if (!sourceDirs?.length) return packageDirs;
  for (const dir of sourceDirs) {
    if (!mayBeMissing && !existsSync(join(root, dir))) throw messages.createError('error.MissingPath', [join(root, dir)], [], ExitCode.BadInput);
  }
  return sourceDirs.map((dir) => dir.replace(/\\/g, '/').replace(/\/+$/, ''));
}

const temporaryDirs: string[] = [];
let cleanupRegistered = false;

/** A temporary folder removed when the process ends. */
export function temporaryFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporaryDirs.push(dir);
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    process.once('exit', () => temporaryDirs.forEach((each) => rmSync(each, { recursive: true, force: true })));
  }
  return dir;
}

/** Converts a metadata-format folder into source format in a temporary folder removed when the process ends. */
async function convertToSource(root: string, registry: RegistryAccess, options: ReadOptions): Promise<string> {
  options.onProgress?.({ kind: 'phase', message: messages.getMessage('progress.ConvertingMetadataFormat', [root]) });
  // SDR's index (converters, ComponentSet) is loaded only for a conversion: reading source format does not need it.
  const { ComponentSet, MetadataConverter } = await import('@salesforce/source-deploy-retrieve');
  const set = ComponentSet.fromSource({ fsPaths: [root], registry });
  const workspace = temporaryFolder('sf-federate-mdapi-');
  // SDR's finalizer for non-decomposed types (CustomLabels) looks up the SFDX project around the output folder: give
  // it one, with the output as its package directory.
  const output = join(workspace, 'main');
  mkdirSync(output);
  writeFileSync(join(workspace, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'main', default: true }] }));
  await new MetadataConverter(registry).convert(set, 'source', { type: 'directory', outputDirectory: output, genUniqueDir: false });
  return output;
}
