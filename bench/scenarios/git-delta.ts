import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tsNode } from '../lib/measure.js';
import type { Row, Scenario, ScenarioContext } from '../lib/types.js';

/**
 * Issue #3: the delta between two commits of a repository of ~12,000 and ~50,000 metadata files, the range touching
 * a quarter of the files. sf-federate (manifests; manifests + --copy-sources) against sfdx-git-delta 6.31.0
 * (manifests; --generate-delta), each in its own process, in the same run. sgd is the baseline of each case.
 */
const FRACTION = 0.25;

type FederateSummary = { changes: number; package: number; destructive: number; files: number; components: [number, number]; phases: Record<string, number> };
type SgdSummary = { package: number; destructiveChanges: number };

export const scenario: Scenario = {
  name: 'git-delta',
  description: 'delta between two commits (a quarter of the files changed): sf-federate vs sfdx-git-delta, manifests and delta sources',
  async run(context: ScenarioContext): Promise<Row[]> {
    const rows: Row[] = [];
    for (const files of context.sizes([12_000, 50_000])) {
      context.log(`generating (or reusing) a ${files}-file repository with one commit changing ${FRACTION * 100}% of the files`);
      const history = await context.history({ files, commits: 1, fractionPerCommit: FRACTION });
      const repo = history.root;
      const from = history.initial;
      const to = history.commits[0].sha;
      const changes = history.commits[0].changes;
      const touched = changes.added.length + changes.modified.length + changes.deleted.length;
      const sgdChild = join(context.repoRoot, 'bench', 'sgd', 'run-sgd.ts');
      const ourChild = join(context.repoRoot, 'bench', 'sgd', 'federate-delta-child.ts');
      const out = join(context.outDir, 'git-delta-output');

      for (const copy of [false, true]) {
        const label = `${history.files} files, ${touched} changed (${FRACTION * 100}%)${copy ? ', delta sources' : ', manifests'}`;
        rmSync(out, { recursive: true, force: true });
        context.log(`sfdx-git-delta${copy ? ' --generate-delta' : ''}`);
        const sgd = await context.measure(tsNode(sgdChild, '--repo', repo, '--from', from, '--to', to, '--output', out, '--quiet', ...(copy ? ['--generate-delta'] : [])), { cwd: repo, allowFailure: true });
        const sgdSummary = parse<SgdSummary>(sgd.stdout);
        rows.push({
          case: label,
          tool: `sfdx-git-delta 6.31.0${copy ? ' --generate-delta' : ''}`,
          wallMs: sgd.wallMs,
          peakRssMb: sgd.peakRssMb,
          baseline: true,
          ok: sgd.exitCode === 0 && sgdSummary !== undefined,
          note: sgdSummary ? `${sgdSummary.package} package / ${sgdSummary.destructiveChanges} destructive members` : tail(sgd.stderr),
          details: sgdSummary,
        });

        rmSync(out, { recursive: true, force: true });
        context.log(`sf-federate${copy ? ' --copy-sources' : ''}`);
        const ours = await context.measure(tsNode(ourChild, repo, from, to, out, ...(copy ? ['--copy-sources'] : [])), { cwd: repo, allowFailure: true });
        const summary = parse<FederateSummary>(ours.stdout);
        rows.push({
          case: label,
          tool: `sf-federate diff git:→git:${copy ? ' --copy-sources' : ''}`,
          wallMs: ours.wallMs,
          peakRssMb: ours.peakRssMb,
          ok: ours.exitCode === 0 && summary !== undefined,
          note: summary ? `${summary.package} package / ${summary.destructive} destructive members, ${summary.files} files written` : tail(ours.stderr),
          details: summary,
        });
      }
      rmSync(out, { recursive: true, force: true });
    }
    return rows;
  },
};

function parse<T>(stdout: string): T | undefined {
  try {
    return JSON.parse(stdout.trim().split('\n').pop() ?? '') as T;
  } catch {
    return undefined;
  }
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-1)[0] ?? '';
}

export default scenario;
