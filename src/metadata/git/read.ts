import { existsSync, realpathSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, posix, relative, resolve, sep } from 'node:path';
import type { RegistryAccess } from '@salesforce/source-deploy-retrieve';
import { ExitCode } from '../../exit-codes.js';
import { forceIgnoreFilter } from '../forceignore.js';
import { metadataMessages } from '../messages.js';
import { parseProjectJson, readProjectFile, REGISTRY_SETTINGS, type ProjectFile } from '../project.js';
import { registryFor, registryForSettings } from '../registry.js';
import { buildSnapshot, mapLimit, relativeInside, type FileStore, type Resolved } from '../snapshot.js';
import { readMetadataFolder, temporaryFolder } from '../sources/dir.js';
import type { ReadOptions, SourceSpec } from '../sources/source.js';
import type { ProgressListener, Snapshot, SnapshotFile, SourceInfo } from '../types.js';
import { blobReader, type BlobReader } from './blobs.js';
import { gitMessages as messages } from './messages.js';
import { listTree, pathKind, requireRepo, resolveCommit, type GitRepo, type TreeEntry } from './repo.js';
import { GitTreeContainer, type TreeFile } from './tree.js';

/**
 * Tree entries that are not files of the ref: a symbolic link's blob holds only its target's path, and a submodule is
 * a commit of another repository. Both are left out, with a warning; a checkout follows them (`dir:` reads that).
 */
const NOT_FILES = new Set(['120000', '160000']);

/** `REF[:PATH]` split at the first colon (a ref name cannot hold one). */
export function splitRefSpec(value: string): { readonly ref: string; readonly path?: string } {
  const colon = value.indexOf(':');
  if (colon < 0) return { ref: value };
  const path = value.slice(colon + 1).replace(/\\/g, '/').replace(/^\.?\/+/, '').replace(/\/+$/, '');
  return { ref: value.slice(0, colon), path: path === '.' ? '' : path };
}

/** Everything known about one side before its files are resolved. */
export type GitSide = {
  readonly repo: GitRepo;
  readonly ref: string;
  readonly commit: string;
  readonly info: SourceInfo;
  /** Snapshot root inside the repository ('' = the top). */
  readonly root: string;
  /** Package directories relative to `root` (`.` = the root itself). */
  readonly packageDirs: readonly string[];
  /** Files below the package directories, relative to `root`, forceignored ones left out (filtered on first use). */
  readonly files: ReadonlyMap<string, TreeFile>;
  /** The same files, forceignored ones included: paths are asked of `denies` only where they matter. */
  readonly listing: ReadonlyMap<string, TreeFile>;
  /** Whether the ref's `.forceignore` (the nearest at or above `root`, with SDR's defaults) leaves a path out. */
  readonly denies: (path: string) => boolean;
  /** The text of that `.forceignore`; undefined when the ref has none. */
  readonly forceIgnoreText: string | undefined;
  readonly registry: RegistryAccess;
  /** The ref's sfdx-project.json sourceApiVersion, when it sets one. */
  readonly projectApiVersion?: string;
  /** The text of the ref's sfdx-project.json, when it has one. */
  readonly projectText?: string;
  /** `git:REF:PATH` of a source folder: the absolute folder PATH is at in the repository's work tree (Snapshot.workTreeFolder). */
  readonly workTreeFolder?: string;
};

/** Where the project lives inside the repository: the project folder relative to the top, or the top. */
function projectRootIn(repo: GitRepo, projectDir: string): string {
  let real: string;
  try {
    real = realpathSync(projectDir);
  } catch {
    return '';
  }
  const rel = relative(realpathSync(repo.top), real);
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) return '';
  return rel.split(sep).join('/');
}

const join = (...parts: string[]): string => posix.join(...parts.filter((part) => part && part !== '.'));

/** Resolves a `git:REF[:PATH]` spec to a commit, its project layout and its listing, reading only git's object store. */
export async function openGitSide(spec: SourceSpec, options: ReadOptions): Promise<GitSide> {
  const { ref, path } = splitRefSpec(spec.value);
  const text = `git:${spec.value}`;
  const repo = await requireRepo(options.repoDir ?? options.projectDir, text);
  if (!ref) throw metadataMessages.createError('error.SourceSpec', [text], [], ExitCode.BadInput);
  const commit = await resolveCommit(repo, ref);
  await refuseCheckoutDuringMerge(repo, ref, commit);
  const reader = blobReader(repo);
  const at = `${ref} (${commit.slice(0, 12)})`;
  const readText = async (repoPath: string): Promise<string | undefined> => (await reader.read(`${commit}:${repoPath}`))?.toString('utf8');

  const layout = path !== undefined ? await folderAtRef(repo, commit, { spec: text, path, at }, options, readText) : await projectAtRef(repo, commit, ref, at, options, readText);
  const { root, format, ownProject, project } = layout;
  let { packageDirs } = layout;
  if (options.sourceDirs?.length) packageDirs = await narrowSourceDirs(repo, commit, root, at, options.sourceDirs, options.sourceDirsMayBeMissing === true);

  const { text: forceIgnoreText, denies } = await forceIgnoreAtRef(root, readText);
  const repoPaths = packageDirs.includes('.') ? (root ? [root] : []) : packageDirs.map((dir) => join(root, dir));
  const entries = await listTree(repo, commit, repoPaths);
  const listing = listingOf(entries, root, denies, (notRead) => {
    const shown = notRead.slice(0, 5).join(', ') + (notRead.length > 5 ? ', …' : '');
    options.onProgress?.({ kind: 'warning', message: messages.getMessage('warning.LinksNotRead', [at, notRead.length, shown]) });
  });
  // A merge base is shown as the ref the user named and what it is the base of, rather than as a bare commit id.
  const base = spec.mergeBaseOf;
  const shownRef = base ? messages.getMessage('label.MergeBase', [base.from, base.to]) : ref;
  const info: SourceInfo = { kind: 'git', spec: base ? `git:${base.from}` : text, label: messages.getMessage('label.Ref', [shownRef, commit.slice(0, 12)]), format, commit };
  const registry = sideRegistry(ownProject, at, options);
  let files: Map<string, TreeFile> | undefined;
  return {
    repo,
    ref,
    commit,
    info,
    root,
    packageDirs,
    listing,
    denies,
    forceIgnoreText,
    registry,
    projectApiVersion: project?.file.sourceApiVersion,
    projectText: project?.text,
    workTreeFolder: layout.sourceFolder ? resolve(repo.top, root) : undefined,
    // Asking the matcher costs tens of microseconds a path: a delta of two refs asks only the paths it reads.
    get files(): ReadonlyMap<string, TreeFile> {
      files ??= listingWithout(listing, denies);
      return files;
    },
  };
}

/**
 * The `.forceignore` a folder of the ref is read with, as SDR finds one for a folder on disk (`dir:`): the nearest at or
 * above it (for `git:REF:force-app`, the project's), matching paths relative to the folder that holds it.
 */
async function forceIgnoreAtRef(root: string, readText: ReadText): Promise<{ text: string | undefined; denies: (path: string) => boolean }> {
  for (let dir = root; ; dir = dir.includes('/') ? posix.dirname(dir) : '') {
    // eslint-disable-next-line no-await-in-loop -- the nearest wins: one folder at a time, upwards
    const text = await readText(join(dir, '.forceignore'));
    if (text !== undefined) {
      const filter = forceIgnoreFilter(text);
      const below = dir === root ? '' : dir === '' ? root : root.slice(dir.length + 1);
      return { text, denies: below ? (path): boolean => filter(`${below}/${path}`) : filter };
    }
    if (dir === '') return { text: undefined, denies: forceIgnoreFilter(undefined) };
  }
}

/** What a ref holds where it is read, before its files are listed. */
type RefLayout = {
  /** Snapshot root inside the repository ('' = the top). */
  readonly root: string;
  readonly packageDirs: readonly string[];
  readonly format: SourceInfo['format'];
  /** The sfdx-project.json at the root, when there is one. */
  readonly ownProject?: ProjectFile;
  /** The sfdx-project.json the source is deployed with: its own, or the project's a source folder belongs to. */
  readonly project?: { readonly file: ProjectFile; readonly text: string };
  /** `:PATH` is a source folder (no sfdx-project.json, no package.xml of its own). */
  readonly sourceFolder: boolean;
};

type ReadText = (repoPath: string) => Promise<string | undefined>;

/** `git:REF:PATH`: a project, a metadata-format folder, or a source folder, as `dir:PATH` tells them apart. */
async function folderAtRef(
  repo: GitRepo,
  commit: string,
  { spec, path, at }: { readonly spec: string; readonly path: string; readonly at: string },
  options: ReadOptions,
  readText: ReadText
): Promise<RefLayout> {
  const kind = await pathKind(repo, commit, path);
  if (kind === undefined) throw messages.createError('error.MissingPathAtRef', [path, at], [commit], ExitCode.BadInput);
  if (kind === 'blob') throw metadataMessages.createError('error.NotAFolder', [spec], [], ExitCode.BadInput);
  const projectPath = join(path, 'sfdx-project.json');
  const text = await readText(projectPath);
  if (text !== undefined) {
    const file = parseProjectJson(text, path, `${projectPath} at ${at}`);
    return { root: path, packageDirs: file.packageDirs, format: 'source', ownProject: file, project: { file, text }, sourceFolder: false };
  }
  // As for dir:PATH, a folder with a package.xml at its root (and no project) is in metadata format.
  if ((await pathKind(repo, commit, join(path, 'package.xml'))) === 'blob') return { root: path, packageDirs: ['.'], format: 'metadata', sourceFolder: false };
  // A source folder of the project (git:REF:pkg2) is deployed with the project's sfdx-project.json at that ref.
  const project = await enclosingProject(repo, options.projectDir, path, at, readText);
  return { root: path, packageDirs: ['.'], format: 'source', project, sourceFolder: true };
}

/** `git:REF`: the project the command runs in, where it is in the repository, as it is at the ref. */
async function projectAtRef(repo: GitRepo, commit: string, ref: string, at: string, options: ReadOptions, readText: ReadText): Promise<RefLayout> {
  const root = projectRootIn(repo, options.projectDir);
  const projectPath = join(root, 'sfdx-project.json');
  const text = await readText(projectPath);
  if (text !== undefined) {
    const file = parseProjectJson(text, root, `${projectPath} at ${at}`);
    return { root, packageDirs: file.packageDirs, format: 'source', ownProject: file, project: { file, text }, sourceFolder: false };
  }
  if (options.sourceDirs?.length) return { root, packageDirs: ['.'], format: 'source', sourceFolder: false };
  throw await noProjectAtRef(repo, commit, ref, at, root);
}

/**
 * The sfdx-project.json at the ref of the project the command runs in, when `folder` (repository-relative) lies inside
 * that project's folder: the project a source folder of it belongs to, and is deployed with.
 */
async function enclosingProject(
  repo: GitRepo,
  projectDir: string,
  folder: string,
  at: string,
  readText: ReadText
): Promise<RefLayout['project']> {
  const projectRoot = projectRootIn(repo, projectDir);
  if (projectRoot && folder !== projectRoot && !folder.startsWith(`${projectRoot}/`)) return undefined;
  const projectPath = join(projectRoot, 'sfdx-project.json');
  const text = await readText(projectPath);
  return text === undefined ? undefined : { file: parseProjectJson(text, projectRoot, `${projectPath} at ${at}`), text };
}

/** The error for a ref without sfdx-project.json where it is looked for, naming the nearest one the ref has elsewhere. */
async function noProjectAtRef(repo: GitRepo, commit: string, ref: string, at: string, root: string): Promise<Error> {
  const where = root ? `${root}/` : 'the top of the repository';
  const paths = (await listTree(repo, commit, root ? [root] : [])).map((entry) => entry.path).filter((path) => !path.split('/').includes('node_modules'));
  const foldersOf = (name: string): string[] =>
    paths
      .filter((path) => posix.basename(path) === name)
      .map((path) => posix.dirname(path))
      .sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
  const nested = foldersOf('sfdx-project.json');
  if (!nested.length) {
    // A metadata-format project (an Ant `src/` with its package.xml) is read by naming its folder.
    const metadataFolder = foldersOf('package.xml').find((folder) => folder !== '.');
    const folder = metadataFolder ?? 'force-app';
    return messages.createError('error.NoProjectAtRef', [at, where], [ref, folder, folder, ref], ExitCode.BadInput);
  }
  const shown = nested.slice(0, 3).join(', ') + (nested.length > 3 ? `, … (${nested.length} in all)` : '');
  return messages.createError('error.NoProjectAtRefNested', [at, where, shown], [ref, nested[0]], ExitCode.BadInput);
}

/** A listing without the paths `denies` says yes to. */
export function listingWithout(listing: ReadonlyMap<string, TreeFile>, denies: (path: string) => boolean): Map<string, TreeFile> {
  const kept = new Map<string, TreeFile>();
  for (const [path, file] of listing) if (!denies(path)) kept.set(path, file);
  return kept;
}

/** The files of a listing below `root`, relative to it; links and submodules (not forceignored) go to `onNotRead`. */
function listingOf(entries: readonly TreeEntry[], root: string, denies: (path: string) => boolean, onNotRead: (paths: string[]) => void): Map<string, TreeFile> {
  const listing = new Map<string, TreeFile>();
  const prefix = root ? `${root}/` : '';
  const notRead: string[] = [];
  for (const entry of entries) {
    if (!entry.path.startsWith(prefix)) continue;
    const rel = entry.path.slice(prefix.length);
    if (NOT_FILES.has(entry.mode)) {
      if (!denies(rel)) notRead.push(rel);
      continue;
    }
    listing.set(rel, { blob: entry.blob });
  }
  if (notRead.length) onNotRead(notRead);
  return listing;
}

/**
 * The project's registry, which classifies a ref's files; a warning when the ref's project sets it up otherwise. With
 * no project around (`--repo-dir` from elsewhere), the ref's own project's: SDR's defaults would misread the files of
 * a project on presets.
 */
function sideRegistry(refProject: ProjectFile | undefined, at: string, options: ReadOptions): RegistryAccess {
  const registryDir = options.projectDir && hasProjectFile(options.projectDir) ? options.projectDir : undefined;
  if (!registryDir && refProject) return registryForSettings(refProject.registrySettings);
  const differing = registrySettingsDiffering(refProject, registryDir);
  if (differing.length) {
    options.onProgress?.({ kind: 'warning', message: messages.getMessage('warning.RegistryAtRef', [at, differing.join(', '), registryDir ?? "SDR's defaults"]) });
  }
  return registryFor(registryDir);
}

/**
 * The registry settings of sfdx-project.json (registryCustomizations, registryPresets, sourceBehaviorOptions) in which
 * a ref's project differs from the project whose registry classifies its files: a ref from before or after a change
 * of them (decomposing permission sets, say) is read with today's registry, which can classify its files otherwise.
 */
function registrySettingsDiffering(refProject: ProjectFile | undefined, registryDir: string | undefined): string[] {
  if (!refProject) return [];
  let current: Readonly<Record<string, string>> = {};
  try {
    current = (registryDir ? readProjectFile(registryDir)?.registrySettings : undefined) ?? {};
  } catch {
    // A project file that does not parse is reported where it is read for the registry.
  }
  return REGISTRY_SETTINGS.filter((key) => refProject.registrySettings[key] !== current[key]);
}

/**
 * During a merge, the checked-out commit (HEAD, the current branch) is the state before the merge, while the user is
 * looking at the merge being resolved: reading it would quietly diff something else than they think. Other commits
 * (tags, other branches, older commits) are read as usual: the object store is not affected by a merge.
 */
async function refuseCheckoutDuringMerge(repo: GitRepo, ref: string, commit: string): Promise<void> {
  if (!existsSync(resolve(repo.gitDir, 'MERGE_HEAD'))) return;
  if (commit === (await resolveCommit(repo, 'HEAD'))) {
    throw messages.createError('error.MergeInProgressRef', [ref, repo.top], [], ExitCode.BadInput);
  }
}

function hasProjectFile(dir: string): boolean {
  try {
    realpathSync(resolve(dir, 'sfdx-project.json'));
    return true;
  } catch {
    return false;
  }
}

let mounts = 0;

/** Mounts a side's files (or some of them) as an SDR tree at a virtual folder nothing on disk can shadow. */
export function mountSide(side: GitSide, files: Iterable<readonly [string, TreeFile]> = side.files, cache?: Map<string, Buffer>): GitTreeContainer {
  const mount = `/__sf-federate-git__/${++mounts}-${side.commit.slice(0, 12)}`;
  const tree = new GitTreeContainer(mount, files, blobReader(side.repo), cache);
  for (const dir of side.packageDirs) tree.addDirectory(dir);
  return tree;
}

/** Narrows a mounted tree to some of its files, in place (`GitTreeContainer.narrow`), package folders kept. */
export function narrowSide(side: GitSide, tree: GitTreeContainer, files: Iterable<readonly [string, TreeFile]>): void {
  tree.narrow(files);
  for (const dir of side.packageDirs) tree.addDirectory(dir);
}

/** --source-dir folders, normalised (`./a/` → `a`); each must be a folder of the tree at the commit. */
async function narrowSourceDirs(repo: GitRepo, commit: string, root: string, at: string, sourceDirs: readonly string[], mayBeMissing: boolean): Promise<string[]> {
  const narrowed = sourceDirs.map((dir) => dir.replace(/\\/g, '/').replace(/^\.\/+/, '').replace(/\/+$/, '') || '.');
  // A folder the `from` ref lacks lists nothing: all of it is added at `to`.
  if (mayBeMissing) return narrowed;
  for (const dir of narrowed) {
    // eslint-disable-next-line no-await-in-loop -- checked one at a time: the first missing folder is the error
    if ((await pathKind(repo, commit, join(root, dir))) !== 'tree') {
      throw messages.createError('error.MissingPathAtRef', [join(root, dir), at], [commit], ExitCode.BadInput);
    }
  }
  return narrowed;
}

/** A FileStore over a mounted git tree: hashes are blob ids from the listing; bytes are read only when asked. */
export function gitFileStore(side: GitSide, tree: GitTreeContainer): FileStore {
  const reader = blobReader(side.repo);
  // Files outlive the side (compare reads them later): they keep only what an error names, not the side's listings.
  const origin: GitFileOrigin = { top: side.repo.top, root: side.root };
  const fileSync = (treePath: string): SnapshotFile => {
    const known = tree.fileAt(treePath);
    // Named as the user knows it (the ref and the path), never by the internal mount.
    if (!known) throw metadataMessages.createError('error.UnreadableFile', [`git:${side.ref}:${join(side.root, relativeInside(tree.root, treePath))}`, `not in ${side.info.label}`], [], ExitCode.BadInput);
    return gitFile(origin, reader, relativeInside(tree.root, treePath), known);
  };
  return {
    tree,
    root: tree.root,
    useFsForceIgnore: false,
    list: (treeDir): string[] => {
      const prefix = treeDir.endsWith('/') ? treeDir : `${treeDir}/`;
      return [...tree.allFiles()].filter((path) => path.startsWith(prefix));
    },
    file: (treePath): Promise<SnapshotFile> => {
      try {
        return Promise.resolve(fileSync(treePath));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    fileSync,
  };
}

/** Where a git file comes from, for errors: the repository's top folder and the snapshot root inside it. */
export type GitFileOrigin = { readonly top: string; readonly root: string };

/**
 * A SnapshotFile backed by a blob. Bytes are not checked here: compare parses what it reads (an error names
 * `git:REF:path`), and delta sources check the XML they copy without parsing it.
 */
export function gitFile(origin: GitFileOrigin, reader: BlobReader, path: string, known: TreeFile): SnapshotFile {
  return {
    path,
    hash: known.blob,
    gitRepo: origin.top,
    read: async (): Promise<Buffer> => {
      const bytes = await reader.read(known.blob);
      if (!bytes) {
        throw messages.createError('error.GitFailed', [`cat-file blob ${known.blob}`, origin.top, `${join(origin.root, path)} is missing from the object store`], [], ExitCode.External);
      }
      return bytes;
    },
  };
}

/** Types whose parent file SDR's resolver parses synchronously (children inside the file), by `-meta.xml` ending. */
function syncReadEndings(registry: RegistryAccess): string[] {
  const endings: string[] = [];
  for (const type of Object.values(registry.getRegistry().types)) {
    if (!type.children || !type.suffix) continue;
    if (type.strategies?.adapter !== 'decomposed' && type.strategies?.adapter !== 'digitalExperience') endings.push(`.${type.suffix}-meta.xml`);
  }
  return endings;
}

/** Prefetches the files SDR reads synchronously while resolving, so resolution never spawns git per file. */
export async function prefetchForResolution(side: GitSide, tree: GitTreeContainer, paths: Iterable<string>): Promise<void> {
  const endings = syncReadEndings(side.registry);
  const wanted: string[] = [];
  for (const path of paths) {
    if (endings.some((ending) => path.endsWith(ending)) || (path.endsWith('.xml') && !path.endsWith('-meta.xml'))) wanted.push(path);
  }
  await tree.prefetch(wanted);
}

/** Reads a whole git source into a snapshot. */
export async function readGitSource(spec: SourceSpec, options: ReadOptions): Promise<Snapshot> {
  options.onProgress?.({ kind: 'phase', message: messages.getMessage('progress.Listing', [spec.value]) });
  const side = await openGitSide(spec, options);
  if (side.info.format === 'metadata') return readMetadataFormat(side, options);
  return snapshotOf(side, mountSide(side), options.apiVersion, options.onProgress);
}

/**
 * A metadata-format folder of a ref, read as `dir:` reads one: its files are written into a temporary folder and
 * converted to source format by SDR, so that the same metadata in either format gives the same snapshot.
 */
async function readMetadataFormat(side: GitSide, options: ReadOptions): Promise<Snapshot> {
  const folder = temporaryFolder('sf-federate-git-mdapi-');
  const reader = blobReader(side.repo);
  await mapLimit([...side.files], 64, async ([path, file]) => {
    const bytes = await reader.read(file.blob);
    if (!bytes) throw messages.createError('error.MissingPathAtRef', [path, side.info.label], [side.commit], ExitCode.BadInput);
    const target = resolve(folder, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes);
  });
  return readMetadataFolder(folder, side.info, side.registry, options);
}

export async function snapshotOf(side: GitSide, tree: GitTreeContainer, apiVersion: string, onProgress?: ProgressListener, resolved?: Resolved): Promise<Snapshot> {
  await prefetchForResolution(side, tree, [...tree.allFiles()]);
  const snapshot = await buildSnapshot(
    gitFileStore(side, tree),
    {
      registry: side.registry,
      source: side.info,
      apiVersion,
      packageDirs: side.packageDirs,
      onProgress,
    },
    resolved
  );
  tree.dropCache();
  return {
    ...snapshot,
    registry: side.registry,
    forceIgnore: { text: side.forceIgnoreText, denies: side.denies },
    ...(side.projectApiVersion ? { projectApiVersion: side.projectApiVersion } : {}),
    ...(side.projectText !== undefined ? { projectText: side.projectText } : {}),
    ...(side.workTreeFolder !== undefined ? { workTreeFolder: side.workTreeFolder } : {}),
  };
}

