/**
 * Child process of the diff scenario: `federate diff` between two folders, timed by phase, result summarised as JSON
 * on stdout. Run it with tsNode(): `node --import tsx bench/lib/diff-child.ts <service|core> FROM TO [OUTPUT_DIR]`.
 *
 * service: runDiff (the service `sf federate diff` calls), writing manifests to OUTPUT_DIR when given.
 * core:    readSource of both sides + compareSnapshots + buildManifests, each phase timed.
 */
import { resolve } from 'node:path';

type Summary = {
  mode: string;
  changes: number;
  byKind: Record<string, number>;
  paths: string[];
  phases: Record<string, number>;
  components?: [number, number];
  unclassified: number;
};

async function main(): Promise<void> {
  const [mode, fromArg, toArg, outputDir] = process.argv.slice(2);
  if (!mode || !fromArg || !toArg) throw new Error('usage: diff-child.ts <service|core> FROM TO [OUTPUT_DIR]');
  const from = resolve(fromArg);
  const to = resolve(toArg);
  const phases: Record<string, number> = {};
  const timed = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const value = await work();
    const used = process.cpuUsage(cpu);
    phases[phase] = Math.round(performance.now() - started);
    phases[`${phase} cpu`] = Math.round((used.user + used.system) / 1000);
    return value;
  };
  let summary: Summary;
  if (mode === 'service') {
    const { runDiff } = await import('../../src/compare/run-diff.js');
    const result = await timed('total', () => runDiff({ from: `dir:${from}`, to: `dir:${to}`, cwd: from, outputDir }));
    summary = summarise(mode, result.changes, phases, result.unclassified.length);
  } else if (mode === 'core') {
    const { readSource, parseSourceSpec } = await import('../../src/metadata/sources/index.js');
    const { readProjectFile } = await import('../../src/metadata/project.js');
    const { registryFor } = await import('../../src/metadata/registry.js');
    const { compareSnapshots } = await import('../../src/compare/compare.js');
    const { buildManifests } = await import('../../src/compare/manifests.js');
    const apiVersion = readProjectFile(from)?.sourceApiVersion ?? '62.0';
    const registry = registryFor(from);
    const read = (dir: string): ReturnType<typeof readSource> => readSource(parseSourceSpec(`dir:${dir}`), { apiVersion, projectDir: from });
    const [a, b] = await timed('read', () => Promise.all([read(from), read(to)]));
    const changeset = await timed('compare', () => compareSnapshots(a, b, { registry }));
    await timed('manifests', () => Promise.resolve(buildManifests(changeset, { apiVersion, registry })));
    summary = summarise(mode, changeset.changes, phases, a.unclassified.length + b.unclassified.length);
    summary.components = [a.components.size, b.components.size];
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  process.stdout.write(JSON.stringify(summary) + '\n');
}

function summarise(mode: string, changes: ReadonlyArray<{ kind: string; fromPaths?: readonly string[]; toPaths?: readonly string[] }>, phases: Record<string, number>, unclassified: number): Summary {
  const byKind: Record<string, number> = {};
  const paths = new Set<string>();
  for (const change of changes) {
    byKind[change.kind] = (byKind[change.kind] ?? 0) + 1;
    for (const path of [...(change.fromPaths ?? []), ...(change.toPaths ?? [])]) paths.add(path);
  }
  return { mode, changes: changes.length, byKind, paths: [...paths].sort(), phases, unclassified };
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
