import type { ProgressListener, Snapshot, SourceKind } from '../types.js';

/** What every source reader takes. The API version is always given: SDR must never guess it. */
export type ReadOptions = {
  readonly apiVersion: string;
  /** The project the command runs in (sfdx-project.json, federate.yml, `.sf-federate/`). */
  readonly projectDir: string;
  /** Narrow a source to these package directories or folders (relative to its root). */
  readonly sourceDirs?: readonly string[];
  /**
   * The `from` side of a comparison: a `sourceDirs` folder it lacks is read as empty (a package directory the range
   * adds or renames: everything in it is added), where the `to` side lacking one is an error (it would delete it all).
   */
  readonly sourceDirsMayBeMissing?: boolean;
  readonly onProgress?: ProgressListener;
  /** git sources: the repository (default: projectDir). */
  readonly repoDir?: string;
  /** org sources: narrow the retrieve (`TYPE` or `TYPE:NAME`), or give a package.xml. */
  readonly metadata?: readonly string[];
  readonly manifest?: string;
  /** org sources: reuse a cached retrieve younger than this many minutes; 0 or noCache forces a retrieve. */
  readonly cacheTtlMinutes?: number;
  readonly noCache?: boolean;
};

/** A parsed `--from`/`--to` value: `dir:PATH`, `git:REF[:PATH]`, `org:ALIAS`, or a bare value guessed in that order. */
export type SourceSpec = {
  readonly kind: SourceKind;
  /** The part after the prefix: a path, a ref (with optional `:PATH`), an alias or username. */
  readonly value: string;
  /** True when the kind was guessed from a bare value; the guess is printed. */
  readonly guessed: boolean;
  /** With --merge-base: `value` is the merge base's commit; these are the refs it is the base of, as the user named them. */
  readonly mergeBaseOf?: { readonly from: string; readonly to: string };
};

export type SourceReader = (spec: SourceSpec, options: ReadOptions) => Promise<Snapshot>;
