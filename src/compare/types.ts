import type { ComponentKey, SourceInfo, UnclassifiedFile } from '../metadata/types.js';

/**
 * Direction is git's: `added` exists in `to` only, `removed` in `from` only, `changed` in both with different content.
 * `renamed` is a component that kept its content but moved to another path (git sources).
 */
export type ChangeKind = 'added' | 'removed' | 'changed' | 'renamed';

/** Why a difference between a global source and a region source exists (region-aware diff). */
export type Classification = 'overlay' | 'region-owned' | 'not-promoted' | 'drift';

/**
 * One element inside a changed file. `path` addresses it by metadata identity, the same syntax overlay patches use:
 * `label`, `fieldPermissions[field=Account.Region__c]/editable`, `values[fullName=Red]`.
 * Leaves carry strings; a whole added or removed element carries its canonical XML text.
 */
export type ElementChange = {
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly before?: string;
  readonly after?: string;
};

/** A content file of a changed component (a file of a bundle, an Apex body): added to it, removed from it, or edited. */
export type FileChange = {
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed';
};

export type Change = {
  readonly key: ComponentKey;
  readonly type: string;
  readonly fullName: string;
  readonly parent?: ComponentKey;
  readonly kind: ChangeKind;
  /** Paths in the `from` side, relative to its root (removed, changed, renamed). */
  readonly fromPaths?: readonly string[];
  /** Paths in the `to` side, relative to its root (added, changed, renamed). */
  readonly toPaths?: readonly string[];
  /** Element-level details of a change inside XML; files of a bundle that changed. */
  readonly elements: readonly ElementChange[];
  /**
   * Changed content files of a component whose body is not XML (Apex, LWC, static resource…), by path. Kept as the
   * plain list it has always been in --json; `fileChanges` says how each of them changed.
   */
  readonly files?: readonly string[];
  /** The files of `files`, in the same order, each with its kind: `added` (to side only) or `removed` (from side only). */
  readonly fileChanges?: readonly FileChange[];
  /** Set on a region-aware diff. */
  readonly classification?: Classification;
  /** With --strict only: the bytes differ but the metadata does not (whitespace, attribute or element order). */
  readonly formattingOnly?: boolean;
};

export type Changeset = {
  readonly from: SourceInfo;
  readonly to: SourceInfo;
  readonly apiVersion: string;
  readonly changes: readonly Change[];
  readonly unclassified: readonly UnclassifiedFile[];
  readonly warnings: readonly string[];
};
