import { fileURLToPath } from 'node:url';
import { tsNode } from '../lib/measure.js';
import type { Row, Scenario, ScenarioContext } from '../lib/types.js';

/**
 * Issue #6: the China readiness catalog on a generated ~50,000-file project. The child process reads the project
 * (SDR resolve + hashing), then runs every rule China-bound (one text pass, components indexed by type) and
 * prints the time of each phase as JSON.
 */
const SELF = fileURLToPath(import.meta.url);

type Phases = { read: number; check: number; checkCpu: number; components: number; filesScanned: number; findings: number; byRule: Record<string, number> };

export const scenario: Scenario = {
  name: 'check',
  description: 'federate check (China catalog, every rule) on a generated project of 50,000 files',
  async run(context: ScenarioContext): Promise<Row[]> {
    const rows: Row[] = [];
    for (const files of context.sizes([50_000])) {
      context.log(`generating (or reusing) ${files} files`);
      const tree = await context.org({ files });
      context.log('federate check rules (service, child process)');
      const measured = await context.measure(tsNode(SELF, 'child', tree.root), { cwd: tree.root, allowFailure: true });
      const label = `${tree.files} files`;
      let phases: Phases | undefined;
      try {
        phases = JSON.parse(measured.stdout.trim().split('\n').pop() ?? '') as Phases;
      } catch {
        phases = undefined;
      }
      if (measured.exitCode !== 0 || !phases) {
        rows.push({ case: label, tool: 'federate check', wallMs: measured.wallMs, peakRssMb: measured.peakRssMb, ok: false, note: measured.stderr.trim().split('\n').slice(-3).join(' ') });
      } else {
        const ms = (value: number): string => `${Math.round(value)} ms`;
        rows.push({
          case: label,
          tool: 'federate check',
          wallMs: measured.wallMs,
          peakRssMb: measured.peakRssMb,
          note: `read ${ms(phases.read)}, rules ${ms(phases.check)} (cpu ${ms(phases.checkCpu)}) over ${phases.filesScanned} files (${phases.findings} findings)`,
          details: phases,
        });
      }
    }
    return rows;
  },
};

export default scenario;

/** The measured child: read → all rules, timed separately. */
async function child(root: string): Promise<void> {
  const { parseSourceSpec, readSource } = await import('../../src/metadata/sources/index.js');
  const { loadRules } = await import('../../src/checks/catalog.js');
  const { runRules } = await import('../../src/checks/engine.js');
  const { hostPolicy } = await import('../../src/checks/hosts.js');
  let at = performance.now();
  const snapshot = await readSource(parseSourceSpec('dir:.'), { apiVersion: '62.0', projectDir: root });
  const read = performance.now() - at;
  at = performance.now();
  const cpu = process.cpuUsage();
  const result = await runRules({
    rules: await loadRules(),
    snapshot,
    region: 'china',
    bound: 'china',
    production: true,
    hosts: hostPolicy([]),
    installedNamespaces: new Set(),
    overlayFile: 'overlays/china/overlay.yml',
    env: {},
  });
  const check = performance.now() - at;
  const used = process.cpuUsage(cpu);
  const checkCpu = (used.user + used.system) / 1000;
  const byRule: Record<string, number> = {};
  for (const finding of result.findings) byRule[finding.rule] = (byRule[finding.rule] ?? 0) + 1;
  process.stdout.write(
    `${JSON.stringify({ read, check, checkCpu, components: snapshot.components.size, filesScanned: result.filesScanned, findings: result.findings.length, byRule } satisfies Phases)}\n`
  );
}

if (process.argv[1] === SELF && process.argv[2] === 'child') {
  child(process.argv[3]).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  });
}
