import type { GeneratedHistory } from './history.js';
import type { MutationKind, MutationReport } from './mutate.js';
import type { MeasureOptions, Measurement } from './measure.js';

/** One measured run of one tool. Rows of a scenario with the same `case` are shown side by side. */
export type Row = {
  /** Filled in by the harness from the scenario's name when left out. */
  scenario?: string;
  /** What was measured, e.g. `50000 files, 1% changed`; rows with the same case are compared. */
  case: string;
  /** Who did the work, e.g. `federate diff`, `sfdx-git-delta 6.31.0`, `git diff --no-index`. */
  tool: string;
  wallMs: number;
  peakRssMb: number;
  /** User + system CPU time (Measurement.cpuMs), when known. */
  cpuMs?: number;
  /** The peer the other rows of this case are compared with (ratio = wallMs / baseline wallMs). At most one per case. */
  baseline?: boolean;
  /** False when the tool failed or gave a wrong answer; `note` says why. Default true. */
  ok?: boolean;
  note?: string;
  /** Anything else worth keeping in results.json (counts, phases, versions). */
  details?: Record<string, unknown>;
};

/** A generated tree in the cache: `root` is an SFDX project (sfdx-project.json at its root). */
export type CachedTree = {
  readonly root: string;
  readonly files: number;
  readonly seed: number;
};

export type MutatedTree = {
  readonly base: CachedTree;
  /** A copy of base with mutateOrg applied. */
  readonly root: string;
  readonly report: MutationReport;
};

export type TreeRequest = { readonly files?: number; readonly seed?: number };
export type MutatedRequest = TreeRequest & { readonly fraction: number; readonly mutateSeed?: number; readonly kinds?: readonly MutationKind[] };
export type HistoryRequest = TreeRequest & { readonly commits: number; readonly fractionPerCommit: number; readonly kinds?: readonly MutationKind[] };

/** What the harness hands every scenario. Trees and histories are generated once and cached under bench/out/cache. */
export type ScenarioContext = {
  /** The repository root (where package.json is). */
  readonly repoRoot: string;
  /** bench/out: scratch space for scenarios (git-ignored). */
  readonly outDir: string;
  /**
   * Where timed tools write their outputs: a fresh folder of this run (`--scratch`, by default on a tmpfs; see
   * scratchFolder in run.ts), removed when the run ends.
   */
  readonly scratchDir: string;
  readonly cacheDir: string;
  /** --seed (default 1). */
  readonly seed: number;
  /** --files as given (`--files 12000,50000`), or undefined: then use your own default sizes through `sizes`. */
  readonly files?: readonly number[];
  /** --repeat (default 1): how many times a scenario that supports it runs each tool; it reports the median. */
  readonly repeat: number;
  /** The sizes to run: --files when given, else `defaults`. */
  sizes(defaults: readonly number[]): readonly number[];
  /** A generated org (files default: first of --files, else 50,000; seed default: --seed). */
  org(request?: TreeRequest): Promise<CachedTree>;
  /** A generated org and a mutated copy of it. */
  mutated(request: MutatedRequest): Promise<MutatedTree>;
  /** A git repository: the generated org, then `commits` commits of mutateOrg (generateHistory). Treat it as read-only. */
  history(request: HistoryRequest): Promise<GeneratedHistory>;
  /** Runs a command in a child process and measures its wall time and peak memory. */
  measure(command: readonly string[], options?: MeasureOptions): Promise<Measurement>;
  /** Progress line on stderr (the table goes to stdout). */
  log(message: string): void;
};

export type Scenario = {
  /** Short id used by --only, e.g. `diff`, `git-delta`. */
  readonly name: string;
  readonly description: string;
  run(context: ScenarioContext): Promise<Row[]>;
};
