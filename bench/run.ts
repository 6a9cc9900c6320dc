/**
 * Benchmark harness: `npm run bench [-- --only diff,git-delta --files 12000,50000 --seed 1 --repeat 3]`.
 *
 * Runs every scenario in bench/scenarios/*.ts (each exports `{ name, description, run(ctx) }` as default or as
 * `scenario`), prints one table (scenario, case, tool, wall time, peak RSS, ratio to the case's baseline) and writes
 * bench/out/results.json. Tools run in child processes (see lib/measure.ts) so that peak memory is their own.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { TreeCache } from './lib/cache.js';
import { measure } from './lib/measure.js';
import type { Row, Scenario, ScenarioContext } from './lib/types.js';

export type { Row, Scenario, ScenarioContext } from './lib/types.js';
export { measure, nodeJs, tsNode, type MeasureOptions, type Measurement } from './lib/measure.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(BENCH_DIR, '..');
const DEFAULT_FILES = 50_000;

export type Machine = {
  nproc: number;
  cpu: string;
  memoryGb: number;
  node: string;
  platform: string;
  commit?: string;
  /** 1-minute load average at the start and end of the run: a busy machine inflates wall times, not CPU times. */
  load?: [number, number];
  /** Where the timed tools wrote their outputs, and whether that is a memory file system (tmpfs). */
  scratch?: { dir: string; tmpfs: boolean };
};

/** statfs's f_type of tmpfs (linux/magic.h). */
export const TMPFS_MAGIC = 0x01_02_19_94;

/**
 * The folder the timed tools write into: `--scratch DIR`, else a fresh folder in /dev/shm when it is a writable tmpfs,
 * else in the OS temp folder. Not the disk by default: on the virtual machines these figures come from, creating a
 * file on the ext4 disk (mounted with `discard`) took from 0.03 ms to 0.8 ms, depending on how many files had been
 * deleted in the minutes before (ours or another job's). 2,500 files of a delta then cost anything from 0.1 to 2 s,
 * the same for every tool: that is the disk's state, not the tools' work, and it moved a 1.2 s run by more than the
 * run itself. Pass `--scratch bench/out/scratch` to measure on the disk.
 */
export function scratchFolder(requested?: string): { dir: string; tmpfs: boolean } {
  const parent = requested ? resolve(requested) : defaultScratchParent();
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'sf-federate-bench-'));
  return { dir, tmpfs: isTmpfs(dir) };
}

function defaultScratchParent(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    if (isTmpfs('/dev/shm')) return '/dev/shm';
  } catch {
    // No writable /dev/shm (macOS, Windows, some containers): the OS temp folder.
  }
  return tmpdir();
}

function isTmpfs(path: string): boolean {
  try {
    return statfsSync(path).type === TMPFS_MAGIC;
  } catch {
    return false;
  }
}

export type Results = { startedAt: string; finishedAt: string; machine: Machine; options: { only?: string[]; files?: number[]; seed: number; repeat: number }; rows: Row[] };

/** A scenario file: its scenario, or why it could not be loaded (reported only if it was asked for). */
export type LoadedScenario = { readonly file: string; readonly name: string; readonly scenario?: Scenario; readonly error?: string };

export async function loadScenarios(dir = join(BENCH_DIR, 'scenarios')): Promise<LoadedScenario[]> {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.endsWith('.test.ts'))
    .sort();
  const loaded: LoadedScenario[] = [];
  for (const file of files) {
    const fallbackName = file.replace(/\.ts$/, '');
    try {
      // eslint-disable-next-line no-await-in-loop
      const module = (await import(pathToFileURL(join(dir, file)).href)) as { default?: Scenario; scenario?: Scenario };
      const scenario = module.default ?? module.scenario;
      if (!scenario || typeof scenario.run !== 'function' || !scenario.name) {
        loaded.push({ file, name: fallbackName, error: `bench/scenarios/${file} must export { name, description, run(ctx) } as default or as \`scenario\`` });
      } else {
        loaded.push({ file, name: scenario.name, scenario });
      }
    } catch (error) {
      loaded.push({ file, name: fallbackName, error: `bench/scenarios/${file} failed to load: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return loaded;
}

export function makeContext(options: { seed: number; files?: number[]; outDir: string; scratchDir?: string; repeat?: number; log?: (message: string) => void }): ScenarioContext {
  const cacheDir = join(options.outDir, 'cache');
  const cache = new TreeCache(cacheDir);
  const defaultFiles = options.files?.[0] ?? DEFAULT_FILES;
  const log = options.log ?? ((message: string): void => void process.stderr.write(`  ${message}\n`));
  return {
    repoRoot: REPO_ROOT,
    outDir: options.outDir,
    scratchDir: options.scratchDir ?? join(options.outDir, 'scratch'),
    cacheDir,
    seed: options.seed,
    files: options.files,
    repeat: options.repeat ?? 1,
    sizes: (defaults) => (options.files?.length ? options.files : defaults),
    org: (request) => cache.org(request?.seed ?? options.seed, request?.files ?? defaultFiles),
    mutated: (request) => cache.mutated(request.seed ?? options.seed, request.files ?? defaultFiles, request),
    history: (request) => cache.history(request.seed ?? options.seed, request.files ?? defaultFiles, request),
    measure,
    log,
  };
}

export function machine(): Machine {
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    commit = undefined;
  }
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    commit,
  };
}

/** The side-by-side table: rows grouped by scenario and case, ratio against the case's baseline row. */
export function formatTable(rows: readonly Row[]): string {
  const header = ['scenario', 'case', 'tool', 'wall', 'cpu', 'peak RSS', 'vs peer', 'note'];
  const lines: string[][] = [header];
  for (const row of rows) {
    const baseline = rows.find((other) => other.baseline && other.scenario === row.scenario && other.case === row.case);
    const ratio = baseline && baseline !== row && baseline.wallMs > 0 && row.wallMs > 0 && row.ok !== false ? speedup(row.wallMs, baseline.wallMs, baseline.tool) : baseline === row ? 'peer' : '';
    lines.push([
      row.scenario ?? '',
      row.case,
      row.tool,
      row.ok === false ? 'FAILED' : formatMs(row.wallMs),
      row.ok === false || row.cpuMs === undefined ? '' : formatMs(row.cpuMs),
      row.ok === false ? '' : `${row.peakRssMb.toFixed(0)} MB`,
      ratio,
      row.note ?? '',
    ]);
  }
  const widths = header.map((_, column) => Math.max(...lines.map((line) => line[column].length)));
  const render = (line: string[]): string => line.map((cell, column) => (column >= 3 && column <= 5 ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ').trimEnd();
  return [render(lines[0]), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.slice(1).map(render)].join('\n');
}

/** `2.1× faster than X` (wall time), or `1.3× slower than X`. */
function speedup(wallMs: number, baselineMs: number, baseline: string): string {
  return wallMs <= baselineMs ? `${(baselineMs / wallMs).toFixed(1)}× faster than ${baseline}` : `${(wallMs / baselineMs).toFixed(1)}× slower than ${baseline}`;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      only: { type: 'string' },
      files: { type: 'string' },
      seed: { type: 'string', default: '1' },
      list: { type: 'boolean', default: false },
      out: { type: 'string' },
      repeat: { type: 'string', default: '1' },
      scratch: { type: 'string' },
    },
  });
  const scenarios = await loadScenarios();
  if (values.list) {
    for (const entry of scenarios) process.stdout.write(`${entry.name.padEnd(12)} ${entry.scenario?.description ?? entry.error}\n`);
    return;
  }
  const only = values.only?.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = only?.filter((name) => !scenarios.some((entry) => entry.name === name || entry.file === `${name}.ts`));
  if (unknown?.length) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${scenarios.map((entry) => entry.name).join(', ')}`);
  const files = values.files?.split(',').map((text) => {
    const value = Number(text.replace(/_/g, ''));
    if (!Number.isInteger(value) || value < 200) throw new Error(`--files takes whole numbers ≥ 200, got ${text}`);
    return value;
  });
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, got ${values.seed}`);
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat takes a whole number ≥ 1, got ${values.repeat}`);
  const outDir = join(BENCH_DIR, 'out');
  mkdirSync(outDir, { recursive: true });
  const scratch = scratchFolder(values.scratch);
  // A tmpfs holds its files in memory until they are removed: an interrupted run must not leave its outputs there.
  process.once('SIGINT', () => {
    rmSync(scratch.dir, { recursive: true, force: true });
    process.exit(130);
  });
  const context = makeContext({ seed, files, outDir, scratchDir: scratch.dir, repeat });
  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg()[0];
  const rows: Row[] = [];
  for (const entry of scenarios.filter((candidate) => !only || only.includes(candidate.name) || only.includes(candidate.file.replace(/\.ts$/, '')))) {
    const started = Date.now();
    try {
      if (!entry.scenario) throw new Error(entry.error);
      process.stderr.write(`▶ ${entry.name}: ${entry.scenario.description}\n`);
      // eslint-disable-next-line no-await-in-loop
      const produced = await entry.scenario.run(context);
      rows.push(...produced.map((row) => ({ ...row, scenario: row.scenario ?? entry.name })));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`  ✗ ${entry.name} failed: ${message}\n`);
      rows.push({ scenario: entry.name, case: '-', tool: '-', wallMs: 0, peakRssMb: 0, ok: false, note: message.split('\n')[0] });
    }
    process.stderr.write(`  done in ${formatMs(Date.now() - started)}\n`);
  }
  rmSync(scratch.dir, { recursive: true, force: true });
  const results: Results = { startedAt, finishedAt: new Date().toISOString(), machine: { ...machine(), load: [round2(loadAtStart), round2(loadavg()[0])], scratch }, options: { only, files, seed, repeat }, rows };
  const outFile = values.out ? resolve(values.out) : join(outDir, 'results.json');
  writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');
  const m = results.machine;
  process.stdout.write(
    `\n${formatTable(rows)}\n\n${m.nproc} cores (${m.cpu}), ${m.memoryGb} GB, node ${m.node}, ${m.platform}, commit ${m.commit ?? '?'}, load ${m.load?.join(' → ')}, outputs in ${m.scratch?.dir ?? '?'}${m.scratch?.tmpfs ? ' (tmpfs)' : ''}\nResults: ${outFile}\n`
  );
  if (rows.some((row) => row.ok === false)) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
