import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { nodeJs, tsNode } from '../lib/measure.js';
import type { Measurement } from '../lib/measure.js';
import type { Row, Scenario, ScenarioContext } from '../lib/types.js';

/**
 * Issue #3: the delta between two commits of a repository of ~12,000 and ~50,000 metadata files, the range touching
 * a quarter of the files. sfdx-git-delta 6.31.0 (manifests; --generate-delta) is the baseline of each case, against
 * sf-federate run the same way (as a library, in its own process: federate-delta-child.ts) and as users run it
 * (`node bin/run.js federate diff`, CLI start-up included). With `--repeat N` every tool runs N times, in turns, and
 * the row is the median run.
 *
 * Both library children run compiled JavaScript under plain Node (no tsx hooks on every module they load) with
 * SF_DISABLE_LOG_FILE=true: both load @salesforce/core, whose log file is written by a worker thread started on the
 * first log call; that is the host's cost (under `sf` both tools pay it alike), not the delta's. The CLI row keeps
 * the default, as a user gets it.
 *
 * sf-federate's commands turn on Node's compile cache (src/compile-cache.ts); sgd does not. So that start-up is
 * compared on equal terms, both library children run with NODE_COMPILE_CACHE set to one folder of bench/out, kept
 * from run to run (the cache is keyed by each file's content): sgd gets the same cache ours turns on. The first run
 * after an install writes the cache and is slower; with --repeat the median leaves it out.
 */
const FRACTION = 0.25;

type FederateSummary = { changes: number; package: number; destructive: number; files: number; components: [number, number]; phases: Record<string, number> };
type SgdSummary = { package: number; destructiveChanges: number };
type CliResult = { status?: number; result?: { summary?: { total?: number } } };

type Tool = {
  readonly name: string;
  readonly baseline?: boolean;
  readonly command: readonly string[];
  readonly env?: Record<string, string>;
  /** The row's note and details from the tool's stdout, or undefined when the output says it failed. */
  readonly read: (stdout: string) => { note: string; details: unknown } | undefined;
};

export const scenario: Scenario = {
  name: 'git-delta',
  description: 'delta between two commits (a quarter of the files changed): sf-federate vs sfdx-git-delta, manifests and delta sources',
  async run(context: ScenarioContext): Promise<Row[]> {
    const rows: Row[] = [];
    const outputs = join(context.scratchDir, 'git-delta-output');
    const libraryEnv = { SF_DISABLE_LOG_FILE: 'true', NODE_COMPILE_CACHE: join(context.outDir, 'compile-cache') };
    rmSync(outputs, { recursive: true, force: true });
    const built = existsSync(join(context.repoRoot, 'lib', 'compare', 'compare.js'));
    if (!built) context.log('lib/ is not built (npm run build): the library child runs the TypeScript sources through tsx, and the CLI row is left out');
    for (const files of context.sizes([12_000, 50_000])) {
      context.log(`generating (or reusing) a ${files}-file repository with one commit changing ${FRACTION * 100}% of the files`);
      // eslint-disable-next-line no-await-in-loop
      const history = await context.history({ files, commits: 1, fractionPerCommit: FRACTION });
      const repo = history.root;
      const from = history.initial;
      const to = history.commits[0].sha;
      const changes = history.commits[0].changes;
      const touched = changes.added.length + changes.modified.length + changes.deleted.length;
      for (const copy of [false, true]) {
        const label = `${history.files} files, ${touched} changed (${FRACTION * 100}%)${copy ? ', delta sources' : ', manifests'}`;
        const runs = new Map<string, Measurement[]>();
        let tools: Tool[] = [];
        for (let round = 1; round <= context.repeat; round++) {
          // Every run writes into a folder of its own in the run's scratch folder (a tmpfs by default: run.ts's
          // scratchFolder says why), and outputs are removed only when the scenario ends: on a disk, removing thousands
          // of files just before a run made the next run's file creation slow, which penalized whichever tool ran
          // after another had written its delta.
          tools = toolsFor(context, libraryEnv, { repo, from, to, out: join(outputs, `${files}-${copy ? 'copy' : 'manifests'}-${round}`), copy, built });
          for (const tool of tools) {
            context.log(`${label}: ${tool.name}${context.repeat > 1 ? ` (run ${round}/${context.repeat})` : ''}`);
            // eslint-disable-next-line no-await-in-loop
            const measured = await context.measure(tool.command, { cwd: repo, env: tool.env, allowFailure: true });
            runs.set(tool.name, [...(runs.get(tool.name) ?? []), measured]);
          }
        }
        for (const tool of tools) rows.push(rowOf(label, tool, runs.get(tool.name)!));
      }
    }
    rmSync(outputs, { recursive: true, force: true });
    return rows;
  },
};

function toolsFor(context: ScenarioContext, libraryEnv: Record<string, string>, run: { repo: string; from: string; to: string; out: string; copy: boolean; built: boolean }): Tool[] {
  const { repo, from, to, out, copy, built } = run;
  const sgdChild = join(context.repoRoot, 'bench', 'sgd', 'run-sgd.ts');
  const ourChild = join(context.repoRoot, 'bench', 'sgd', 'federate-delta-child.ts');
  const tools: Tool[] = [
    {
      name: `sfdx-git-delta 6.31.0${copy ? ' --generate-delta' : ''}`,
      baseline: true,
      command: nodeJs(sgdChild, '--repo', repo, '--from', from, '--to', to, '--output', join(out, 'sfdx-git-delta'), '--quiet', ...(copy ? ['--generate-delta'] : [])),
      env: libraryEnv,
      read: (stdout): ReturnType<Tool['read']> => {
        const summary = lastJson<SgdSummary>(stdout);
        return summary && { note: `${summary.package} package / ${summary.destructiveChanges} destructive members`, details: summary };
      },
    },
    {
      name: `sf-federate git:→git:${copy ? ' --copy-sources' : ''} (library)`,
      command: (built ? nodeJs : tsNode)(ourChild, repo, from, to, join(out, 'sf-federate'), ...(copy ? ['--copy-sources'] : [])),
      env: libraryEnv,
      read: (stdout): ReturnType<Tool['read']> => {
        const summary = lastJson<FederateSummary>(stdout);
        return summary && { note: `${summary.package} package / ${summary.destructive} destructive members, ${summary.files} files written`, details: summary };
      },
    },
  ];
  if (built) {
    tools.push({
      name: `node bin/run.js federate diff${copy ? ' --copy-sources' : ''}`,
      command: [process.execPath, join(context.repoRoot, 'bin', 'run.js'), 'federate', 'diff', '--from', `git:${from}`, '--to', `git:${to}`, '--output-dir', join(out, 'sf-federate-cli'), ...(copy ? ['--copy-sources'] : []), '--json'],
      read: (stdout): ReturnType<Tool['read']> => {
        const parsed = parseJson<CliResult>(stdout);
        return parsed?.status === 0 ? { note: `${parsed.result?.summary?.total ?? '?'} changes, exit 0`, details: { total: parsed.result?.summary?.total } } : undefined;
      },
    });
  }
  return tools;
}

/** The median run by wall time (the lower middle of an even count); its CPU and memory go with it. */
function rowOf(label: string, tool: Tool, runs: readonly Measurement[]): Row {
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  const read = median.exitCode === 0 ? tool.read(median.stdout) : undefined;
  const walls = runs.map((run) => Math.round(run.wallMs));
  return {
    case: label,
    tool: tool.name,
    wallMs: median.wallMs,
    cpuMs: median.cpuMs,
    peakRssMb: Math.max(...runs.map((run) => run.peakRssMb)),
    ...(tool.baseline ? { baseline: true } : {}),
    ok: read !== undefined && runs.every((run) => run.exitCode === 0),
    note: read ? `${read.note}${runs.length > 1 ? `; runs ${walls.join(' / ')} ms` : ''}` : tail(median.stderr),
    details: { runs: walls, result: read?.details },
  };
}

function lastJson<T>(stdout: string): T | undefined {
  return parseJson<T>(stdout.trim().split('\n').pop() ?? '');
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-1)[0] ?? '';
}

export default scenario;
