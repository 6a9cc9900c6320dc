/*
 * Child process of the git-delta scenario: what `sf federate diff --from git:FROM --to git:TO --output-dir OUT
 * [--copy-sources]` does, without the CLI start-up: both refs read from the object store (changed paths only),
 * compared, manifests (and delta sources) written all at once, as runDiff does (compareAndWrite). Prints a JSON
 * summary with per-phase times.
 *
 *   node --import tsx bench/sgd/federate-delta-child.ts REPO FROM TO OUT [--copy-sources]
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The compiled plugin (lib/, what `sf federate diff` runs) when it is built, as sgd runs compiled code too; the
// TypeScript sources through tsx otherwise (slower to start: every module is compiled on the fly).
const root = pluginRoot();
const built = existsSync(join(root, 'lib', 'compare', 'compare.js'));
const load = <T>(path: string): Promise<T> => import(join(root, built ? 'lib' : 'src', `${path}.${built ? 'js' : 'ts'}`)) as Promise<T>;
// First, as every command does: Node's compile cache for the modules loaded after it (src/compile-cache.ts).
await load('compile-cache');
const { compareAndWrite } = await load<typeof import('../../src/compare/compare-and-write.js')>('compare/compare-and-write');
const { readSourcePair } = await load<typeof import('../../src/metadata/git/pair.js')>('metadata/git/pair');
const { readProjectFile } = await load<typeof import('../../src/metadata/project.js')>('metadata/project');
const { registryFor } = await load<typeof import('../../src/metadata/registry.js')>('metadata/registry');

/** The nearest folder above this file with a package.json: the plugin's, also when this runs as a copy in bench/out/js/. */
function pluginRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error('federate-delta-child.ts: no package.json above it');
  }
}

async function main(): Promise<void> {
  const [repoArg, from, to, outArg, flag] = process.argv.slice(2);
  if (!repoArg || !from || !to || !outArg) throw new Error('usage: federate-delta-child.ts REPO FROM TO OUT [--copy-sources]');
  const repo = resolve(repoArg);
  const phases: Record<string, number> = {};
  const timed = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const value = await work();
    phases[phase] = Math.round(performance.now() - started);
    return value;
  };
  const apiVersion = readProjectFile(repo)?.sourceApiVersion ?? '62.0';
  const registry = registryFor(repo);
  const options = { apiVersion, projectDir: repo };
  const [a, b] = await timed('read', () => readSourcePair({ kind: 'git', value: from, guessed: false }, { kind: 'git', value: to, guessed: false }, options));
  // As runDiff does: compare, then manifests and delta sources written all at once; the copies of settled changes
  // start while compare still runs, so the write phase starts at the `Writing` progress event.
  let started = performance.now();
  const { changeset, manifests, written } = await compareAndWrite(a, b, {
    registry,
    apiVersion,
    outputDir: resolve(outArg),
    copySources: flag === '--copy-sources',
    onProgress: (event) => {
      if (event.kind !== 'phase' || !event.message.startsWith('Writing')) return;
      phases.compare = Math.round(performance.now() - started);
      started = performance.now();
    },
  });
  phases.write = Math.round(performance.now() - started);
  const files = written?.files ?? [];
  const count = (members: Record<string, string[]>): number => Object.values(members).reduce((sum, list) => sum + list.length, 0);
  process.stdout.write(
    `${JSON.stringify({
      changes: changeset.changes.length,
      package: count(manifests.members.package),
      destructive: count(manifests.members.destructiveChangesPre) + count(manifests.members.destructiveChangesPost),
      files: files.length,
      components: [a.components.size, b.components.size],
      phases,
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      code: built ? 'lib' : 'src',
    })}\n`
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  }
);
