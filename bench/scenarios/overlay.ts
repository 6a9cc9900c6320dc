import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsNode } from '../lib/measure.js';
import type { Row, Scenario, ScenarioContext } from '../lib/types.js';

/**
 * Issue #5: a region overlay on a generated ~50,000-file project. The child process reads the project, applies an
 * overlay with every rule kind (excludes, patches of decomposed children and of in-file elements, a replace over all
 * Apex classes, a files/ entry) and writes the deployable tree; it prints the time of each phase as JSON.
 */
const SELF = fileURLToPath(import.meta.url);

type Phases = { read: number; apply: number; write: number; components: number; rules: Record<string, number>; touched: number; files: number };

export const scenario: Scenario = {
  name: 'overlay',
  description: 'overlay apply (read, apply in memory, write) on a generated project of 50,000 files',
  async run(context: ScenarioContext): Promise<Row[]> {
    const rows: Row[] = [];
    for (const files of context.sizes([50_000])) {
      context.log(`generating (or reusing) ${files} files`);
      const tree = await context.org({ files });
      const output = join(context.scratchDir, 'overlay-output');
      rmSync(output, { recursive: true, force: true });
      context.log('federate overlay apply (service, child process)');
      const measured = await context.measure(tsNode(SELF, 'child', tree.root, output), { cwd: tree.root, allowFailure: true });
      const label = `${tree.files} files`;
      let phases: Phases | undefined;
      try {
        phases = JSON.parse(measured.stdout.trim().split('\n').pop() ?? '') as Phases;
      } catch {
        phases = undefined;
      }
      if (measured.exitCode !== 0 || !phases) {
        rows.push({ case: label, tool: 'federate overlay apply', wallMs: measured.wallMs, peakRssMb: measured.peakRssMb, ok: false, note: measured.stderr.trim().split('\n').slice(-3).join(' ') });
      } else {
        const ms = (value: number): string => `${Math.round(value)} ms`;
        rows.push({
          case: label,
          tool: 'federate overlay apply',
          wallMs: measured.wallMs,
          peakRssMb: measured.peakRssMb,
          note: `read ${ms(phases.read)}, apply ${ms(phases.apply)} (${phases.touched} touched), write ${ms(phases.write)}`,
          details: phases,
        });
      }
      rmSync(output, { recursive: true, force: true });
    }
    return rows;
  },
};

export default scenario;

/** The measured child: read → apply → write, timed separately. */
async function child(root: string, output: string): Promise<void> {
  const { parseSourceSpec, readSource } = await import('../../src/metadata/sources/index.js');
  const { registryFor } = await import('../../src/metadata/registry.js');
  const { readProjectFile } = await import('../../src/metadata/project.js');
  const { parseOverlay } = await import('../../src/overlay/load.js');
  const { applyOverlay } = await import('../../src/overlay/apply.js');
  const { writeSnapshot } = await import('../../src/overlay/write.js');
  const packageDirs = readProjectFile(root)?.packageDirs ?? ['force-app'];
  const registry = registryFor(root);
  let at = performance.now();
  const base = await readSource(parseSourceSpec('dir:.'), { apiVersion: '62.0', projectDir: root });
  const read = performance.now() - at;

  // Rules against whatever the generated org holds: the first few fields, a label file, a type to exclude.
  const fields = [...base.components.values()].filter((component) => component.type === 'CustomField').slice(0, 200);
  const labels = [...base.components.values()].find((component) => component.type === 'CustomLabels');
  const counts = new Map<string, number>();
  for (const component of base.components.values()) counts.set(component.type, (counts.get(component.type) ?? 0) + 1);
  const rare = [...counts].filter(([type]) => type !== 'CustomField' && type !== 'CustomObject').sort((a, b) => a[1] - b[1])[0]?.[0];
  const yaml = [
    'exclude:',
    ...(rare ? [`  - type: ${rare}`] : []),
    '  - type: CustomField',
    '    name: "*.Zz_Never_*"',
    'patches:',
    ...fields.map((field) => `  - component: ${field.parent}\n    path: fields[fullName=${field.fullName.split('.').pop()}]/description\n    set: China \${REGION_NOTE}`),
    ...(labels ? ['  - component: CustomLabels:CustomLabels', '    add: <labels><fullName>Bench_Cn</fullName><language>zh_CN</language><protected>false</protected><shortDescription>b</shortDescription><value>你好</value></labels>'] : []),
    'replace:',
    '  - glob: "**/classes/*.cls"',
    '    stringToReplace: login.salesforce.com',
    '    replaceWith: login.sfcrmproducts.cn',
    'values:',
    '  REGION_NOTE: { default: note, stages: { cn-prod: prod } }',
  ].join('\n');
  const overlay = parseOverlay(yaml, 'bench-overlay.yml', { packageDirs });
  at = performance.now();
  const { snapshot, report } = await applyOverlay(base, overlay, { stage: 'cn-prod', registry });
  const apply = performance.now() - at;
  at = performance.now();
  const written = await writeSnapshot(snapshot, output, { registry });
  const write = performance.now() - at;
  const rules: Record<string, number> = {};
  for (const rule of report.rules) rules[rule.status] = (rules[rule.status] ?? 0) + 1;
  const touched = report.rules.reduce((sum, rule) => sum + rule.touched.length, 0);
  process.stdout.write(`${JSON.stringify({ read, apply, write, components: base.components.size, rules, touched, files: written.files } satisfies Phases)}\n`);
}

if (process.argv[1] === SELF && process.argv[2] === 'child') {
  child(process.argv[3], process.argv[4]).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  });
}
