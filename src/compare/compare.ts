import { posix } from 'node:path';
import { SfError } from '@salesforce/core/sfError';
import type { RegistryAccess } from '@salesforce/source-deploy-retrieve';
import { ExitCode } from '../exit-codes.js';
import { elementKeysFor, type ElementKeyTable } from '../metadata/elements.js';
import { metadataMessages as messages } from '../metadata/messages.js';
import { registryFor } from '../metadata/registry.js';
import { componentKey, componentPaths as pathsOf, mapLimit, relativeInside, samePackageDirs } from '../metadata/snapshot.js';
import type { Component, ComponentKey, ProgressListener, Snapshot, SnapshotFile, UnclassifiedFile } from '../metadata/types.js';
import { compareStrings, type CanonicalElement } from '../metadata/xml.js';
import { parentsWithoutFile, parentWithoutFileWarnings } from './children-without-parent-file.js';
import { isDeletedByEntries } from './manifests.js';
import { isDeletableAlone } from './through-parent.js';
import type { Change, Changeset, ElementChange, FileChange } from './types.js';
import { diffRoots, type ChildDiff } from './xml-diff.js';
import { canonicalOf, diffXmlPair, type Canonical, type XmlPairDiff } from './xml-pair.js';

export type CompareOptions = {
  /** Report components whose bytes differ but whose metadata does not, as changes with `formattingOnly: true`. */
  readonly strict?: boolean;
  readonly onProgress?: ProgressListener;
  /** The project's registry (`registryFor(projectDir)`), so that presets and customizations apply; default: SDR's own. */
  readonly registry?: RegistryAccess;
  /**
   * Called with each changed component of `to` whose XML was compared after cutting out the keyed entries equal on
   * both sides (prune.ts), and that text: delta sources (`--copy-sources`) start pruning from it.
   */
  readonly onPrunedTo?: (component: Component, text: string) => void;
  /**
   * Called with changes as soon as they are settled, before compare ends: first those known without reading any file
   * (added, removed, renamed), then those of each compared component. Every change of the result is passed exactly
   * once. Delta sources start copying from it while compare goes on. `read`: the bytes of the `to` files compare
   * read for these changes, by path, so that they need not be read again: XML files it parsed (well-formed, or compare
   * would have failed), and changed content files other than `.xml` ones (read to tell a change of line endings).
   */
  readonly onChanges?: (changes: readonly Change[], read?: ReadonlyMap<string, Buffer>) => void;
};

/** Components compared at once: file reads overlap, parsed XML of few components is held at a time. */
const COMPARE_CONCURRENCY = 8;

/**
 * Compares two snapshots, git's way round: `added` is in `to` only, `removed` in `from` only.
 *
 * Equal hashes are never read. Where hashes differ, XML is parsed (only if the XML's own hash differs) and compared in
 * canonical form: formatting (whitespace, attribute order, order of keyed elements) is not a change unless `strict`.
 * In-file children SDR knows as child types (labels of CustomLabels, alerts of a Workflow…) become changes of their
 * own with `parent` set; every other difference inside a file is an ElementChange of its component.
 */
export async function compareSnapshots(from: Snapshot, to: Snapshot, options: CompareOptions = {}): Promise<Changeset> {
  const registry = options.registry ?? registryFor();
  const context: Context = { registry, strict: options.strict === true, from, to, onPrunedTo: options.onPrunedTo };
  const changes: Change[] = [];
  const work: Array<(read?: Map<string, Buffer>) => Promise<Change[]>> = [];

  const warnings: string[] = [];
  const fromParents = parentsOf(from);
  const toParents = parentsOf(to);

  // Parents that `from` holds only through children the Metadata API deletes with them, and `to` not at all: their paths.
  const goneWithChildren = new Map<ComponentKey, string[]>();
  const removed = (before: Component): void => {
    if (toParents().has(before.key)) {
      // `to` still has children of it (fields without their object's own file, as projects often keep standard
      // objects, and as a metadata-format folder never does): deleting the parent would take them along.
      if (before.xml) work.push(() => parentFileMissing(before, context, warnings));
      return;
    }
    // A removed parent takes its decomposed children with it: the parent alone is reported (not one kept for the
    // children `to` still has, above; not a Workflow or SharingRules decomposed by a preset, deleted entry by entry).
    const { parent } = before;
    if (parent && from.components.has(parent) && !to.components.has(parent) && !toParents().has(parent) && !isDeletedByEntries(from.components.get(parent)!.type)) return;
    if (parent && !from.components.has(parent) && !to.components.has(parent) && !toParents().has(parent) && !isDeletableAlone(before)) {
      // The last files of a parent whose own file was missing already (a permission set's objectSettings): the parent
      // is gone from the source, and these children go only with it (the Metadata API does not know them alone).
      goneWithChildren.set(parent, [...(goneWithChildren.get(parent) ?? []), ...pathsOf(before)]);
      return;
    }
    changes.push({ ...identity(before), kind: 'removed', fromPaths: pathsOf(before), elements: [] });
    // In-file children are named one by one, as those of an added container are: some containers (a Workflow,
    // CustomLabels) are deleted only through their entries.
    if (before.xml && hasInFileChildren(context, before)) work.push(() => removedChildren(before, context));
  };

  options.onProgress?.({ kind: 'phase', message: messages.getMessage('progress.Comparing', [from.components.size, to.components.size]) });
  for (const [key, before] of from.components) {
    const after = to.components.get(key);
    if (after) {
      if (after.hash !== before.hash) work.push((read) => compareComponent(before, after, context, read));
      else if (moved(before, after, context)) changes.push(renamed(before, after));
    } else {
      removed(before);
    }
  }
  for (const [key, paths] of goneWithChildren) {
    const [type, fullName] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    changes.push({ key, type, fullName, kind: 'removed', fromPaths: paths.sort(compareStrings), elements: [] });
  }
  for (const [key, after] of to.components) {
    if (from.components.has(key)) continue;
    const added: Change = { ...identity(after), kind: 'added', toPaths: pathsOf(after), elements: [] };
    // The converse: a parent file that says nothing of its own, for children `from` already has, adds nothing.
    if (after.xml && fromParents().has(key)) work.push(async () => ((await ownXmlIsEmpty(after, context.to, context)) ? [] : [added]));
    else changes.push(added);
    if (after.xml && hasInFileChildren(context, after)) work.push(() => addedChildren(after, context));
  }

  options.onChanges?.(changes);
  let done = 0;
  const results = await mapLimit(work, COMPARE_CONCURRENCY, async (job) => {
    // Kept only until the changes are passed on: the bytes of one component at a time per job.
    const read = options.onChanges ? new Map<string, Buffer>() : undefined;
    const result = await job(read);
    options.onChanges?.(result, read);
    done++;
    if (done % 500 === 0 || done === work.length) options.onProgress?.({ kind: 'count', message: messages.getMessage('progress.ComparingChanged'), done, total: work.length });
    return result;
  });
  for (const result of results) changes.push(...result);
  // A changed child of a parent with no file cannot be deployed as it is: said, whatever is written (delta-writer.ts refuses it).
  warnings.push(...parentWithoutFileWarnings(parentsWithoutFile(changes, to, registry), to));

  return {
    from: from.source,
    to: to.source,
    apiVersion: to.apiVersion,
    changes: changes.sort(byTypeAndName),
    unclassified: mergeUnclassified(from.unclassified, to.unclassified),
    warnings,
  };
}

/** The keys of the components that have decomposed children in a snapshot, collected on first use. */
function parentsOf(snapshot: Snapshot): () => ReadonlySet<string> {
  let parents: Set<string> | undefined;
  return () => {
    if (!parents) {
      parents = new Set();
      for (const component of snapshot.components.values()) if (component.parent) parents.add(component.parent);
    }
    return parents;
  };
}

/** Whether a component's XML holds nothing of its own: its root has no elements (its children live in files of theirs). */
async function ownXmlIsEmpty(component: Component, snapshot: Snapshot, context: Context): Promise<boolean> {
  const { element } = await readCanonical(component.xml!, snapshot, context);
  return element.children.length === 0 && !element.text?.trim();
}

/** A parent whose own file `to` lacks while its children are there: not removed; a warning if the file said anything. */
async function parentFileMissing(before: Component, context: Context, warnings: string[]): Promise<Change[]> {
  if (!(await ownXmlIsEmpty(before, context.from, context))) {
    warnings.push(messages.getMessage('warning.ParentFileMissing', [`${before.type} ${before.fullName}`, context.to.source.spec, before.xml!.path]));
  }
  return [];
}

type Context = {
  readonly registry: RegistryAccess;
  readonly strict: boolean;
  readonly from: Snapshot;
  readonly to: Snapshot;
  readonly onPrunedTo?: (component: Component, text: string) => void;
};

function identity(component: Component): Pick<Change, 'key' | 'type' | 'fullName' | 'parent'> {
  return { key: component.key, type: component.type, fullName: component.fullName, ...(component.parent ? { parent: component.parent } : {}) };
}

function renamed(before: Component, after: Component): Change {
  return { ...identity(after), kind: 'renamed', fromPaths: pathsOf(before), toPaths: pathsOf(after), elements: [] };
}

/**
 * Same key, same content, other place. Two sources with the same package directories (one project at two refs, or
 * its work tree) compare whole paths, so a move from one package directory to another is a rename; so do two whose
 * component left, or came into, a package directory both have (one was added to sfdx-project.json and the component
 * moved there). Otherwise paths are compared inside their package directory, so that a project and a bare source
 * folder of the same metadata (or two projects laid out differently) agree. A metadata-format source (converted to a
 * temporary folder) has no meaningful paths and never yields a rename. A component merged from files in several package
 * directories (CustomLabels) is moved only when none of its files is where one was: a file of it added, removed or
 * moved beside the others brings or takes labels, which compare reports, and the org still has one CustomLabels.
 */
function moved(before: Component, after: Component, context: Context): boolean {
  const { from, to } = context;
  if (from.source.format !== 'source' || to.source.format !== 'source') return false;
  const a = pathsOf(before);
  const b = pathsOf(after);
  const fromDir = packageDirOf(a[0], from.packageDirs);
  const toDir = packageDirOf(b[0], to.packageDirs);
  const wholePaths = samePackageDirs(from.packageDirs, to.packageDirs) || (fromDir !== undefined && to.packageDirs.includes(fromDir)) || (toDir !== undefined && from.packageDirs.includes(toDir));
  const places = (paths: string[], dir: string | undefined, packageDirs: readonly string[]): string[] =>
    wholePaths ? paths : paths.map((path) => insidePackage(path, isMerged(before) || isMerged(after) ? packageDirOf(path, packageDirs) : dir));
  const [was, is] = [places(a, fromDir, from.packageDirs), places(b, toDir, to.packageDirs)];
  if (isMerged(before) || isMerged(after)) return !was.some((path) => is.includes(path));
  return was.join('\n') !== is.join('\n');
}

/** Whether a component is read from several files that SDR merges on deploy (merged-file.ts). */
function isMerged(component: Component): boolean {
  return (component.xml?.parts?.length ?? 0) > 1;
}

/** The package directory a path lies in (`.` for a bare folder), or undefined. */
function packageDirOf(path: string | undefined, packageDirs: readonly string[]): string | undefined {
  if (path === undefined) return undefined;
  return packageDirs.find((dir) => dir === '.' || path.startsWith(`${dir}/`));
}

function insidePackage(path: string, dir: string | undefined): string {
  return dir && dir !== '.' && path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : path;
}

async function compareComponent(before: Component, after: Component, context: Context, read?: Map<string, Buffer>): Promise<Change[]> {
  const { files, lineEndingsOnly } = await diffContent(before, after, context, read);
  let elements: ElementChange[] = [];
  let children: ChildDiff[] = [];
  let formattingOnly = lineEndingsOnly;

  if (before.xml && after.xml) {
    if (before.xml.hash !== after.xml.hash) {
      const xml = await diffXml(before, after, context, read);
      ({ elements, children } = xml);
      formattingOnly ||= xml.formattingOnly;
    }
  } else if (after.xml) {
    // The XML file exists on one side only: it is reported as a file added or removed.
    files.push({ path: after.xml.path, kind: 'added' });
  } else if (before.xml) {
    files.push({ path: before.xml.path, kind: 'removed' });
  }

  const changes: Change[] = children.map((child) => childChange(child, before, after));
  const paths = { fromPaths: pathsOf(before), toPaths: pathsOf(after) };
  if (elements.length || files.length) {
    changes.push({ ...identity(after), kind: 'changed', ...paths, elements, ...filesOf(files) });
  } else if (formattingOnly && context.strict) {
    changes.push({ ...identity(after), kind: 'changed', ...paths, elements: [], formattingOnly: true });
  } else if (moved(before, after, context)) {
    // Moved, and reformatted on the way (a CRLF checkout): still a rename.
    changes.push(renamed(before, after));
  }
  return changes;
}

function childChange(child: ChildDiff, before: Component | undefined, after: Component): Change {
  const container = after;
  const fullName = child.ignoreParentName ? child.name : `${container.fullName}.${child.name}`;
  return {
    key: componentKey(child.type, fullName),
    type: child.type,
    fullName,
    parent: container.key,
    kind: child.kind,
    ...(child.kind !== 'added' && before?.xml ? { fromPaths: [before.xml.path] } : {}),
    ...(child.kind !== 'removed' && after.xml ? { toPaths: [after.xml.path] } : {}),
    elements: child.elements,
  };
}

/** Whether a component's own XML can hold in-file children (its type has child types with an XML element name). */
function hasInFileChildren(context: Context, component: Component): boolean {
  for (const spec of elementKeysFor(context.registry, component.type).values()) if (spec.childType) return true;
  return false;
}

/** The in-file children of an added container, each reported as added. */
async function addedChildren(component: Component, context: Context): Promise<Change[]> {
  const { element, table } = await readCanonical(component.xml!, context.to, context);
  const empty: CanonicalElement = { name: element.name, attributes: element.attributes, children: [] };
  const { children } = diffRoots(empty, element, table);
  return children.filter((child) => child.kind === 'added').map((child) => childChange(child, undefined, component));
}

/** The in-file children of a removed container, each reported as removed. */
async function removedChildren(component: Component, context: Context): Promise<Change[]> {
  const { element, table } = await readCanonical(component.xml!, context.from, context);
  const empty: CanonicalElement = { name: element.name, attributes: element.attributes, children: [] };
  const { children } = diffRoots(element, empty, table);
  return children.filter((child) => child.kind === 'removed').map((child) => childChange(child, component, component));
}

async function readCanonical(file: SnapshotFile, snapshot: Snapshot, context: Context): Promise<Canonical> {
  const where = displayPath(snapshot, file);
  return canonicalOf(await readXml(file, where), where, (rootName) => elementKeysFor(context.registry, rootName));
}

/** The element-level difference of a changed XML file (xml-pair.ts); the `to` file's bytes go to `read`. */
async function diffXml(before: Component, after: Component, context: Context, read?: Map<string, Buffer>): Promise<XmlPairDiff> {
  const whereFrom = displayPath(context.from, before.xml!);
  const whereTo = displayPath(context.to, after.xml!);
  const [fromBytes, bytes] = await Promise.all([readBytes(before.xml!, whereFrom), readBytes(after.xml!, whereTo)]);
  // Versions that differ only in their line endings (a Windows checkout against its own ref: every file) are the same
  // XML, as a parser reads CRLF as LF: told without parsing them, as equal bytes are. The `to` bytes were not parsed
  // then, so they are not passed on as checked.
  if (sameButLineEndings(fromBytes, bytes)) return { formattingOnly: true, elements: [], children: [] };
  const diff = diffXmlPair({ from: fromBytes.toString('utf8'), to: bytes.toString('utf8'), whereFrom, whereTo }, (rootName: string): ElementKeyTable => elementKeysFor(context.registry, rootName));
  if (diff.prunedTo !== undefined) context.onPrunedTo?.(after, diff.prunedTo);
  read?.set(after.xml!.path, bytes);
  return diff;
}

async function readXml(file: SnapshotFile, where: string): Promise<string> {
  return (await readBytes(file, where)).toString('utf8');
}

async function readBytes(file: SnapshotFile, where: string): Promise<Buffer> {
  try {
    return await file.read();
  } catch (error) {
    if (error instanceof SfError && error.exitCode === ExitCode.BadInput) throw error;
    throw messages.createError('error.UnreadableFile', [where, (error as Error).message], [], ExitCode.BadInput);
  }
}

/** A file as a user finds it: the absolute path for a folder, `spec:path` otherwise. */
function displayPath(snapshot: Snapshot, file: SnapshotFile): string {
  if (snapshot.source.kind === 'dir' && snapshot.source.format === 'source') return posix.join(snapshot.source.label.replace(/\\/g, '/'), file.path);
  return `${snapshot.source.spec}:${file.path}`;
}

/** A change's `files` (paths) and `fileChanges` (with their kinds), in the same order; nothing when no file changed. */
function filesOf(files: FileChange[]): Pick<Change, 'files' | 'fileChanges'> {
  if (!files.length) return {};
  const sorted = files.sort((a, b) => compareStrings(a.path, b.path));
  return { files: sorted.map((file) => file.path), fileChanges: sorted };
}

/**
 * Content files (not the component's XML) that differ, by name relative to the component's folder, as the component
 * hash names them: changed and added files by their `to` path, removed ones by their `from` path. A text file whose
 * versions differ only in their line endings (CRLF against LF: a Windows checkout with `core.autocrlf`, a retrieve)
 * is formatting, as whitespace in XML is: left out, and counted in `lineEndingsOnly`.
 */
async function diffContent(before: Component, after: Component, context: Context, read?: Map<string, Buffer>): Promise<{ files: FileChange[]; lineEndingsOnly: boolean }> {
  const a = byRelativeName(before);
  const b = byRelativeName(after);
  const files: FileChange[] = [];
  const changedInPlace: Array<[SnapshotFile, SnapshotFile]> = [];
  for (const [name, file] of b) {
    const old = a.get(name);
    if (!old) files.push({ path: file.path, kind: 'added' });
    else if (old.hash !== file.hash) changedInPlace.push([old, file]);
  }
  for (const [name, file] of a) if (!b.has(name)) files.push({ path: file.path, kind: 'removed' });
  let lineEndingsOnly = false;
  for (const [old, file] of changedInPlace) {
    if (!mayDifferInLineEndingsOnly(old, file)) {
      files.push({ path: file.path, kind: 'changed' });
      continue;
    }
    // eslint-disable-next-line no-await-in-loop -- one file of one component at a time keeps few bytes held
    const [bytesBefore, bytes] = await Promise.all([readBytes(old, displayPath(context.from, old)), readBytes(file, displayPath(context.to, file))]);
    if (sameButLineEndings(bytesBefore, bytes)) {
      lineEndingsOnly = true;
    } else {
      files.push({ path: file.path, kind: 'changed' });
      // Delta sources copy these bytes instead of reading the file again (content is copied as it is, never checked
      // as XML).
      read?.set(file.path, bytes);
    }
  }
  return { files, lineEndingsOnly };
}

/**
 * Whether the sizes leave room for a change of line endings alone, so that the files are worth reading: each CRLF made
 * LF takes one byte off, so the sizes differ, by at most half of the larger (unknown sizes: worth reading).
 */
function mayDifferInLineEndingsOnly(a: SnapshotFile, b: SnapshotFile): boolean {
  if (a.size === undefined || b.size === undefined) return true;
  const [small, large] = a.size < b.size ? [a.size, b.size] : [b.size, a.size];
  return small < large && large <= 2 * small;
}

function sameButLineEndings(a: Buffer, b: Buffer): boolean {
  if (isBinary(a) || isBinary(b)) return false;
  return withLf(a).equals(withLf(b));
}

/** Git's test: a NUL byte among the first 8,000. */
function isBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

/** The bytes with each CRLF made LF (latin1 maps each byte to one character and back). */
function withLf(bytes: Buffer): Buffer {
  return bytes.includes(0x0d) ? Buffer.from(bytes.toString('latin1').replace(/\r\n/g, '\n'), 'latin1') : bytes;
}

function byRelativeName(component: Component): Map<string, SnapshotFile> {
  const base = component.xml ? posix.dirname(component.xml.path) : component.content.length ? posix.dirname(component.content[0].path) : '';
  return new Map(component.content.map((file) => [relativeInside(base, file.path), file]));
}

const KIND_ORDER: Record<Change['kind'], number> = { removed: 0, renamed: 1, changed: 2, added: 3 };

function byTypeAndName(a: Change, b: Change): number {
  return compareStrings(a.type, b.type) || compareStrings(a.fullName, b.fullName) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
}

function mergeUnclassified(a: readonly UnclassifiedFile[], b: readonly UnclassifiedFile[]): UnclassifiedFile[] {
  const seen = new Set<string>();
  const merged: UnclassifiedFile[] = [];
  for (const file of [...a, ...b]) {
    const id = `${file.path}\0${file.reason}`;
    if (!seen.has(id)) {
      seen.add(id);
      merged.push(file);
    }
  }
  return merged.sort((x, y) => compareStrings(x.path, y.path));
}
