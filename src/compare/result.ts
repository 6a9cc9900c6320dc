import type { SourceInfo, UnclassifiedFile } from '../metadata/types.js';
import type { Change, ChangeKind, Changeset } from './types.js';

/** Counts of one kind of change. */
export type KindCounts = {
  added: number;
  removed: number;
  changed: number;
  renamed: number;
};

export type DiffSummary = KindCounts & {
  /** Number of changes (added + removed + changed + renamed). */
  total: number;
  /** Counts per SDR metadata type name, keys sorted. */
  byType: Record<string, KindCounts>;
  /** Region-aware diff only (some change has a classification): changes classified as unexplained drift. */
  drift?: number;
};

/** A removal that is not listed in a destructive manifest, and why (the Metadata API cannot delete it). */
export type NotDeletable = {
  type: string;
  fullName: string;
  reason: string;
};

/** A component of the changes manifest. */
export type DeltaMember = {
  type: string;
  fullName: string;
};

/**
 * The changes manifest: each changed component once, in the words of a delta (`git diff --name-status`, sfdx-git-delta):
 * `added`, `modified` (a change), `deleted` (a removal), `renamed` (moved, same content) with its paths on both sides.
 * Sorted as `changes`. A CI job reads it without walking `changes`: `jq '.result.delta.deleted[].fullName'`.
 */
export type DeltaManifest = {
  added: DeltaMember[];
  modified: DeltaMember[];
  deleted: DeltaMember[];
  renamed: Array<DeltaMember & { fromPaths: string[]; toPaths: string[] }>;
};

/** What `--output-dir` wrote: the folder and the files in it, relative to it (posix separators). */
export type WrittenManifests = {
  outputDir: string;
  files: string[];
};

/**
 * The typed `--json` result of `sf federate diff`. Its JSON Schema is `schemas/diff-result.schema.json`; keep both in
 * step (test/report/result-schema.test.ts validates real results against the schema).
 */
export type DiffResult = {
  from: SourceInfo;
  to: SourceInfo;
  apiVersion: string;
  summary: DiffSummary;
  changes: Change[];
  delta: DeltaManifest;
  unclassified: UnclassifiedFile[];
  warnings: string[];
  notDeletable: NotDeletable[];
  manifests?: WrittenManifests;
};

export type DiffResultExtras = {
  /** Replaces the changeset's warnings when given (callers pass their own plus the changeset's). */
  readonly warnings?: readonly string[];
  readonly notDeletable?: readonly NotDeletable[];
  readonly manifests?: WrittenManifests;
};

const KINDS: readonly ChangeKind[] = ['added', 'removed', 'changed', 'renamed'];

export function emptyCounts(): KindCounts {
  return { added: 0, removed: 0, changed: 0, renamed: 0 };
}

/** Counts of a list of changes, in total and per type. */
export function summarize(changes: readonly Change[]): DiffSummary {
  const totals = emptyCounts();
  const byType = new Map<string, KindCounts>();
  let classified = false;
  let drift = 0;
  for (const change of changes) {
    totals[change.kind]++;
    const counts = byType.get(change.type) ?? emptyCounts();
    counts[change.kind]++;
    byType.set(change.type, counts);
    if (change.classification) {
      classified = true;
      if (change.classification === 'drift') drift++;
    }
  }
  const sortedByType: Record<string, KindCounts> = {};
  for (const type of [...byType.keys()].sort(compareCodePoints)) sortedByType[type] = byType.get(type)!;
  const summary: DiffSummary = { ...totals, total: KINDS.reduce((sum, kind) => sum + totals[kind], 0), byType: sortedByType };
  if (classified) summary.drift = drift;
  return summary;
}

/**
 * The `--json` result of a changeset: plain, JSON-safe data (copies, no functions, no undefined-valued keys), changes
 * sorted by type, then full name, then kind, so that two runs over the same sources give the same bytes.
 */
export function toDiffResult(changeset: Changeset, extras: DiffResultExtras = {}): DiffResult {
  const changes = [...changeset.changes].sort(compareChanges).map(plainChange);
  const result: DiffResult = {
    from: plain(changeset.from),
    to: plain(changeset.to),
    apiVersion: changeset.apiVersion,
    summary: summarize(changes),
    changes,
    delta: deltaManifest(changes),
    unclassified: changeset.unclassified.map((file) => ({ path: file.path, reason: file.reason })),
    warnings: [...(extras.warnings ?? changeset.warnings)],
    notDeletable: (extras.notDeletable ?? []).map((entry) => ({ type: entry.type, fullName: entry.fullName, reason: entry.reason })),
  };
  if (extras.manifests) result.manifests = { outputDir: extras.manifests.outputDir, files: [...extras.manifests.files] };
  return result;
}

/** The changes manifest of sorted changes. */
export function deltaManifest(changes: readonly Change[]): DeltaManifest {
  const delta: DeltaManifest = { added: [], modified: [], deleted: [], renamed: [] };
  for (const change of changes) {
    const member = { type: change.type, fullName: change.fullName };
    if (change.kind === 'added') delta.added.push(member);
    else if (change.kind === 'changed') delta.modified.push(member);
    else if (change.kind === 'removed') delta.deleted.push(member);
    else delta.renamed.push({ ...member, fromPaths: [...(change.fromPaths ?? [])], toPaths: [...(change.toPaths ?? [])] });
  }
  return delta;
}

/** Code-point order, as SDR sorts manifest types and members (`Array.prototype.sort`). */
export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareChanges(a: Change, b: Change): number {
  return compareCodePoints(a.type, b.type) || compareCodePoints(a.fullName, b.fullName) || KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind);
}

function plainChange(change: Change): Change {
  return plain({
    ...change,
    fromPaths: change.fromPaths ? [...change.fromPaths] : undefined,
    toPaths: change.toPaths ? [...change.toPaths] : undefined,
    elements: change.elements.map((element) => plain({ ...element })),
    files: change.files ? [...change.files] : undefined,
    fileChanges: change.fileChanges?.map((file) => ({ ...file })),
  });
}

/** Drops keys whose value is undefined, so the object is what JSON.stringify would give back. */
function plain<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
