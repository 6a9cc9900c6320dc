import { posix } from 'node:path';
import type { SourceComponent } from '@salesforce/source-deploy-retrieve';
import { companionFiles } from '../companions.js';
import { ForceIgnore, MetadataResolver } from '../sdr.js';
import { scopeToTarget } from '../pair-scope.js';
import { readSource, settleSourceSpec } from '../sources/index.js';
import type { ReadOptions, SourceSpec } from '../sources/source.js';
import { relativeInside } from '../snapshot.js';
import type { Snapshot } from '../types.js';
import { gitMessages as messages } from './messages.js';
import { addedOutsidePackageDirs, leaveOutMovedOutside } from './moved-outside.js';
import { listingWithout, mountSide, narrowSide, openGitSide, prefetchForResolution, snapshotOf, type GitSide } from './read.js';
import type { GitTreeContainer, TreeFile } from './tree.js';

/**
 * Reads the two sides of a comparison. When both are git refs of one repository, only the components that own a
 * path whose blob id differs between the two trees are resolved and put in the snapshots (with the parent XML a
 * decomposed child needs); everything else is equal on both sides and is never resolved nor read. The snapshots are
 * then narrowed to what can differ: compareSnapshots gives the same changes as on the whole trees.
 * Any other pair is read whole, side by side. Either way, what the `to` side does not manage (its .forceignore, its
 * package directories) is left out of the `from` side too (pair-scope.ts): it is not deployed, so it must not be
 * deleted either.
 */
export async function readSourcePair(from: SourceSpec, to: SourceSpec, options: ReadOptions): Promise<[Snapshot, Snapshot]> {
  const [a, b] = await Promise.all([settleSourceSpec(from, options), settleSourceSpec(to, options)]);
  // A --source-dir folder only `to` has is a package directory the range adds: all of it is added, nothing fails.
  const fromOptions: ReadOptions = { ...options, sourceDirsMayBeMissing: true };
  if (a.kind === 'git' && b.kind === 'git') {
    const [left, right] = await Promise.all([openGitSide(a, fromOptions), openGitSide(b, options)]);
    // A metadata-format folder is converted whole (readSource): its files are not the snapshot's.
    const sourceFormat = left.info.format === 'source' && right.info.format === 'source';
    if (left.repo.gitDir === right.repo.gitDir && sourceFormat) {
      const added = addedOutsidePackageDirs(left, right);
      const [changedFrom, changedTo] = await readChangedOnly(left, right, options);
      const scoped = scopeToTarget(changedFrom, changedTo, options.onProgress);
      return [await leaveOutMovedOutside(scoped, changedTo, right, added, options.onProgress), changedTo];
    }
  }
  const [left, right] = await Promise.all([readSource(a, fromOptions), readSource(b, options)]);
  return [scopeToTarget(left, right, options.onProgress), right];
}

/** Paths (relative to each side's root) present on one side only, or with different blob ids. */
export function changedPaths(left: ReadonlyMap<string, TreeFile>, right: ReadonlyMap<string, TreeFile>): Set<string> {
  const changed = new Set<string>();
  for (const [path, file] of left) if (right.get(path)?.blob !== file.blob) changed.add(path);
  for (const path of right.keys()) if (!left.has(path)) changed.add(path);
  return changed;
}

async function readChangedOnly(left: GitSide, right: GitSide, options: ReadOptions): Promise<[Snapshot, Snapshot]> {
  // With one .forceignore on both sides (the usual case), a path is asked of it only when it is read: the changed
  // paths and the files of the components they belong to. Otherwise the listings are filtered whole first, and what
  // the `to` ref ignores is left out of both sides: a file that starts to be ignored is not deleted (a delta would put
  // it in destructiveChanges, and deploying that deletes it from the org), while one that stops being ignored is
  // added, as `sf project deploy` from the `to` ref would now deploy it.
  const same = left.forceIgnoreText === right.forceIgnoreText;
  const denied = same ? left.denies : (): boolean => false;
  if (!same) options.onProgress?.({ kind: 'warning', message: messages.getMessage('warning.ForceIgnoreDiffers', [left.info.label, right.info.label]) });
  const listings = same ? [left.listing, right.listing] : [listingWithout(left.listing, (path) => left.denies(path) || right.denies(path)), right.files];
  const changed = changedPaths(listings[0], listings[1]);
  for (const path of changed) if (denied(path)) changed.delete(path);
  options.onProgress?.({ kind: 'phase', message: messages.getMessage('progress.PathsDiffer', [changed.size, left.info.label, right.info.label]) });
  const sides = [left, right] as const;
  const cache = new Map<string, Buffer>();
  const trees = sides.map((side, index) => mountSide(side, listings[index], cache));
  const resolvers = sides.map((side, index) => fileResolver(new MetadataResolver(side.registry, trees[index], false)));
  // Paths from git are normalized: joined to the mount without posix.join, which normalizes each again.
  await Promise.all(sides.map((side, index) => prefetchForResolution(side, trees[index], [...changed].map((path) => `${trees[index].root}/${path}`))));

  const keep = [new Set<string>(), new Set<string>()];
  const done = [new Set<string>(), new Set<string>()];
  // What resolution found, by side: the snapshots are planned from it rather than by resolving the kept files again.
  const found: [SourceComponent[], SourceComponent[]] = [[], []];
  const failed = [new Map<string, string>(), new Map<string, string>()];
  // Components already walked, by type and name: many changed files (field translations…) share one parent.
  const walked = [new Set<string>(), new Set<string>()];
  const filesUnder = listings.map((listing) => oneFileUnder(listing));
  /** Keeps a component's files on its side, and sends what the other side must resolve too to `other`. */
  const follow = (component: SourceComponent, index: 0 | 1, other: string[]): void => {
    const id = `${component.type.name}:${component.fullName}`;
    if (walked[index].has(id)) return;
    walked[index].add(id);
    found[index].push(component);
    const tree = trees[index];
    const { own, needed } = componentFiles(component, tree);
    const child = childLeftOnOtherSide(component, tree, listings[1 - index], filesUnder[1 - index]);
    if (child !== undefined && !denied(child)) other.push(child);
    for (const file of own) {
      if (denied(file)) continue;
      keep[index].add(file);
      done[index].add(file);
      // A file of this component that did not change is on the other side too: its component must be there.
      if (!changed.has(file)) other.push(file);
    }
    for (const file of [...needed, ...sameComponentElsewhere(component, tree, listings)]) {
      if (denied(file)) continue;
      keep[index].add(file);
      // The same bytes are on the other side: put them there too, or compare would see them come or go.
      if (!changed.has(file)) keep[1 - index].add(file);
    }
  };
  let queue = listings.map((listing) => [...changed].filter((path) => listing.has(path)));
  while (queue[0].length || queue[1].length) {
    const next: [string[], string[]] = [[], []];
    for (const index of [0, 1] as const) {
      const tree = trees[index];
      for (const path of queue[index]) {
        if (done[index].has(path)) continue;
        done[index].add(path);
        const components = resolveFile(resolvers[index], tree, path, failed[index]);
        // The path itself always stays: unresolvable, it is reported as unclassified; a child file that resolves to
        // its decomposed parent (field translations) is that parent's child.
        keep[index].add(path);
        if (!components) {
          // Unchanged, and refused here only (a child of a parent whose own file this side lacks): what the other
          // side has it for is resolved there too, as whole trees would both hold it.
          if (!changed.has(path)) next[1 - index].push(path);
          continue;
        }
        for (const component of components) follow(component, index, next[1 - index]);
      }
    }
    queue = next;
  }

  // Each tree is narrowed to the files kept, in place: the components found hold it, and what they list of it
  // (a parent's children, a bundle's files) is then what a walk of the kept files would find.
  const snapshots = await Promise.all(
    sides.map((side, index) => {
      const tree = trees[index];
      narrowSide(side, tree, [...keep[index]].filter((path) => listings[index].has(path)).map((path) => [path, listings[index].get(path)!] as const));
      return snapshotOf(side, tree, options.apiVersion, options.onProgress, { components: found[index], failed: failed[index], resolve: resolvers[index] });
    })
  );
  cache.clear();
  return [snapshots[0], snapshots[1]];
}

/** Resolves one file of a tree to the components it belongs to. */
type FileResolver = (fsPath: string) => SourceComponent[];

/** What `fileResolver` uses of the resolver: a per-file step and the matcher it asks, both outside SDR's typings. */
type ResolverInternals = { forceIgnore?: ForceIgnore; resolveComponent?: (fsPath: string, isResolvingSource: boolean) => SourceComponent | undefined };

/**
 * SDR's resolver, asked for one file at a time. For a file, `getComponentsFromPath` checks it exists, builds a new
 * default `.forceignore` matcher (which denies nothing, after a failed file read: about 10 µs, 0.25 s over the 25,000
 * paths of a 50,000-file delta) and resolves it. The files asked here come from the listing and have been through the
 * ref's `.forceignore` already, so the per-file step is called with one such matcher for all of them. Should a later
 * SDR not have that step, `getComponentsFromPath` is used as is (a test says which is in use).
 */
export function fileResolver(resolver: MetadataResolver): FileResolver {
  const internals = resolver as unknown as ResolverInternals;
  const step = internals.resolveComponent;
  if (typeof step !== 'function') return (fsPath) => resolver.getComponentsFromPath(fsPath);
  internals.forceIgnore = new ForceIgnore();
  return (fsPath) => {
    const component = step.call(resolver, fsPath, true);
    return component ? [component] : [];
  };
}

/** The components a file belongs to, or undefined when the registry does not know it (why, in `failed`, when SDR said). */
function resolveFile(resolve: FileResolver, tree: GitTreeContainer, path: string, failed: Map<string, string>): SourceComponent[] | undefined {
  const fsPath = `${tree.root}/${path}`;
  try {
    const found = resolve(fsPath);
    // SDR's per-file step names a content file's `-meta.xml` without looking for it (a walk of the tree does look):
    // a class whose -meta.xml is gone is not a component here either, as in a folder.
    const missing = found.find((component) => component.xml && !tree.fileAt(component.xml));
    if (missing) {
      failed.set(fsPath, `${relativeInside(tree.root, missing.xml!)} is missing: ${missing.type.name} ${missing.fullName} cannot be deployed without it`);
      return undefined;
    }
    // For a static resource's, a document's or an Experience site's content without its -meta.xml, the step makes
    // up a component with no XML at all (named after the file, outside its folder), which a walk never does.
    const unread = found.find((component) => !component.xml && component.content && component.type.strategies?.adapter === 'mixedContent');
    if (unread) {
      const xml = `${posix.dirname(unread.content!)}/${unread.name}.${unread.type.suffix!}-meta.xml`;
      failed.set(fsPath, `${relativeInside(tree.root, xml)} is missing: ${unread.type.name} ${unread.name} cannot be deployed without it`);
      return undefined;
    }
    return found.length ? found : undefined;
  } catch (error) {
    failed.set(fsPath, (error as Error).message);
    return undefined;
  }
}

/**
 * A component's own files (its XML and content; for a decomposed parent such as a CustomObject only its own XML,
 * not its children's files) and the files it needs beside them (a decomposed child's parent XML), relative to root.
 */
function componentFiles(component: SourceComponent, tree: GitTreeContainer): { own: string[]; needed: string[] } {
  const rel = (fsPath: string): string => relativeInside(tree.root, fsPath);
  const own = new Set<string>();
  if (component.xml) own.add(component.xml);
  let content: string[] = [];
  try {
    content = component.walkContent();
  } catch {
    content = [];
  }
  if (component.type.strategies?.adapter === 'decomposed' && component.type.children) {
    // The files SDR's getChildren makes children of (every `-meta.xml` in the folder of a suffix other than the
    // parent's), told by name: getChildren resolves each one, hundreds for an object with many fields.
    const { suffix, legacySuffix } = component.type;
    content = content.filter((file) => {
      const childSuffix = METADATA_XML.exec(posix.basename(file))?.[2];
      return childSuffix === undefined || childSuffix === suffix || childSuffix === legacySuffix;
    });
  }
  for (const file of [...content, ...companionFiles(component)]) own.add(file);
  const needed: string[] = [];
  if (component.parent?.xml && tree.fileAt(component.parent.xml)) needed.push(rel(component.parent.xml));
  return { own: [...own].map(rel), needed };
}

/**
 * For a component SDR merges from several files on deploy (a CustomLabels file in each package directory), the other
 * files of the same name in either listing: the snapshot merges them (snapshot.ts), so both sides need all of them,
 * as whole trees would have them. Few components are merged so (CustomLabels), and each is followed once a side.
 */
function sameComponentElsewhere(component: SourceComponent, tree: GitTreeContainer, listings: ReadonlyArray<ReadonlyMap<string, TreeFile>>): string[] {
  if (component.type.strategies?.recomposition !== 'startEmpty' || !component.xml) return [];
  const own = relativeInside(tree.root, component.xml);
  const name = `/${posix.basename(own)}`;
  const found = new Set<string>();
  for (const listing of listings) for (const path of listing.keys()) if (path !== own && path.endsWith(name)) found.add(path);
  return [...found];
}

/**
 * A decomposed parent (a CustomObject) whose own file is on one side only, while the other side still has files in
 * its folder (its fields): one of those files. Resolved on the other side (and, being unchanged, on this one too), it
 * puts a child of the parent in both snapshots, so that compare sees the parent's file come or go with its children
 * still there, as it does on whole trees, rather than a parent deleted or added.
 */
function childLeftOnOtherSide(
  component: SourceComponent,
  tree: GitTreeContainer,
  otherListing: ReadonlyMap<string, TreeFile>,
  otherFileUnder: (folder: string) => string | undefined
): string | undefined {
  if (component.type.strategies?.adapter !== 'decomposed' || !component.type.children || !component.xml) return undefined;
  const xml = relativeInside(tree.root, component.xml);
  return otherListing.has(xml) ? undefined : otherFileUnder(posix.dirname(xml));
}

/** For a listing: one file below a folder, or undefined; the folder index is built on first use (rarely needed). */
function oneFileUnder(listing: ReadonlyMap<string, TreeFile>): (folder: string) => string | undefined {
  let index: Map<string, string> | undefined;
  return (folder) => {
    if (!index) {
      index = new Map();
      for (const path of listing.keys()) {
        for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
          const dir = path.slice(0, slash);
          if (index.has(dir)) break;
          index.set(dir, path);
        }
      }
    }
    return index.get(folder);
  };
}

/** A metadata XML file's name, as SDR's `parseMetadataXml` reads it: full name, suffix. */
const METADATA_XML = /(.+)\.(.+)-meta\.xml/;
