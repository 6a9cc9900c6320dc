import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tsNode } from '../lib/measure.js';
import type { Row, Scenario, ScenarioContext } from '../lib/types.js';

/** Issue #2: `federate diff` on two generated trees of ~50,000 files with 1 % of the files changed. */
const FRACTION = 0.01;

type ChildSummary = { mode: string; changes: number; byKind: Record<string, number>; paths: string[]; phases: Record<string, number>; components?: [number, number]; unclassified: number };

export const scenario: Scenario = {
  name: 'diff',
  description: 'federate diff between two generated source trees (default 50,000 files), 1% of the files changed',
  async run(context: ScenarioContext): Promise<Row[]> {
    const rows: Row[] = [];
    for (const files of context.sizes([50_000])) {
      context.log(`generating (or reusing) ${files} files and a 1% mutation`);
      const tree = await context.mutated({ files, fraction: FRACTION });
      const from = tree.base.root;
      const to = tree.root;
      const report = tree.report;
      const expected = new Set([...report.added, ...report.modified, ...report.deleted].filter((path) => path.startsWith('force-app/')));
      const label = `${tree.base.files} files, ${expected.size} changed (${FRACTION * 100}%)`;

      context.log('git diff --no-index (file-level peer)');
      const git = await context.measure(['git', 'diff', '--no-index', '--name-status', from, to], { allowFailure: true });
      rows.push({ case: label, tool: 'git diff --no-index --name-status', wallMs: git.wallMs, cpuMs: git.cpuMs, peakRssMb: git.peakRssMb, baseline: true, ok: git.exitCode <= 1, note: 'files only, no metadata' });

      const output = join(context.scratchDir, 'diff-output');
      const cli = join(context.repoRoot, 'lib', 'commands', 'federate', 'diff.js');
      // The built command is what users run; without lib/ the service it calls stands in for it.
      const modes = existsSync(cli) ? (['core'] as const) : (['core', 'service'] as const);
      for (const mode of modes) {
        context.log(`federate diff (${mode})`);
        rmSync(output, { recursive: true, force: true });
        mkdirSync(context.outDir, { recursive: true });
        const child = join(context.repoRoot, 'bench', 'lib', 'diff-child.ts');
        const measured = await context.measure(tsNode(child, mode, from, to, ...(mode === 'service' ? [output] : [])), { cwd: from, allowFailure: true });
        rows.push(diffRow(label, mode, measured, expected));
      }

      if (existsSync(cli)) {
        context.log('node bin/run.js federate diff --json');
        const measured = await context.measure([process.execPath, join(context.repoRoot, 'bin', 'run.js'), 'federate', 'diff', '--from', `dir:${from}`, '--to', `dir:${to}`, '--json'], {
          cwd: from,
          allowFailure: true,
          env: { SF_DISABLE_AUTOUPDATE: 'true', SF_DISABLE_TELEMETRY: 'true', SF_SKIP_NEW_VERSION_CHECK: 'true', SF_USE_PROGRESS_BAR: 'false' },
        });
        let note = measured.exitCode === 0 || measured.exitCode === 2 ? '' : `exit ${measured.exitCode}: ${measured.stderr.trim().split('\n').pop() ?? ''}`;
        let changes: number | undefined;
        try {
          changes = (JSON.parse(measured.stdout) as { result?: { summary?: { total?: number } } }).result?.summary?.total;
        } catch {
          note ||= 'no JSON on stdout';
        }
        rows.push({ case: label, tool: 'sf-federate federate diff --json (bin/run.js)', wallMs: measured.wallMs, cpuMs: measured.cpuMs, peakRssMb: measured.peakRssMb, ok: !note, note: note || `${changes} changes`, details: { changes } });
      } else {
        context.log('lib/ not built (npm run build): measured the runDiff service instead of bin/run.js');
      }
      rmSync(output, { recursive: true, force: true });
    }
    return rows;
  },
};

function diffRow(label: string, mode: 'service' | 'core', measured: { wallMs: number; cpuMs?: number; peakRssMb: number; stdout: string; stderr: string; exitCode: number }, expected: ReadonlySet<string>): Row {
  const tool = mode === 'service' ? 'federate diff (runDiff service, tsx)' : 'readSource ×2 + compareSnapshots + buildManifests (tsx)';
  if (measured.exitCode !== 0) {
    return { case: label, tool, wallMs: measured.wallMs, cpuMs: measured.cpuMs, peakRssMb: measured.peakRssMb, ok: false, note: `exit ${measured.exitCode}: ${measured.stderr.trim().split('\n').slice(-1)[0] ?? ''}` };
  }
  const summary = JSON.parse(measured.stdout.trim().split('\n').pop() ?? '{}') as ChildSummary;
  const seen = new Set(summary.paths);
  const missed = [...expected].filter((path) => !seen.has(path));
  const phases = Object.entries(summary.phases).map(([phase, ms]) => `${phase} ${ms} ms`).join(', ');
  return {
    case: label,
    tool,
    wallMs: measured.wallMs,
    cpuMs: measured.cpuMs,
    peakRssMb: measured.peakRssMb,
    ok: missed.length === 0,
    note: `${summary.changes} changes; ${expected.size - missed.length}/${expected.size} changed files found${phases ? `; ${phases}` : ''}`,
    details: { ...summary, paths: undefined, missed: missed.slice(0, 20) },
  };
}

export default scenario;
