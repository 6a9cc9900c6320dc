/*
 * Synthetic enterprise org generator: a seeded SFDX project in source format, its mutations, and git histories.
 *
 *   tsx bench/generate.ts --files 50000 --seed 1 --out /tmp/x [--mutate 0.01 [--mutate-seed 2] [--mutate-out /tmp/y]]
 *   tsx bench/generate.ts --files 12000 --seed 1 --out /tmp/repo --history 40 [--mutate 0.01]
 *
 * --mutate without --mutate-out changes --out in place. With --history N, --out becomes a git repository of N + 1
 * commits (the import, then N commits each changing --mutate of the files, default 0.01).
 * Library use: generateOrg, mutateOrg, generateHistory (docs/bench.md).
 */
import { cpSync, existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { generateOrg } from './lib/org.js';
import { mutateOrg, MUTATION_KINDS, type MutationKind } from './lib/mutate.js';
import { generateHistory } from './lib/history.js';

export { generateOrg, DEFAULT_API_VERSION, PACKAGE_DIR, SOURCE_ROOT, type GenerateOptions, type GeneratedOrg } from './lib/org.js';
export { mutateOrg, listTree, MUTATION_KINDS, type MutateOptions, type Mutation, type MutationKind, type MutationReport } from './lib/mutate.js';
export { generateHistory, type HistoryOptions, type HistoryCommit, type GeneratedHistory } from './lib/history.js';

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      files: { type: 'string', default: '12000' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      mutate: { type: 'string' },
      'mutate-seed': { type: 'string' },
      'mutate-out': { type: 'string' },
      kinds: { type: 'string' },
      history: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.out) throw new Error('--out is required (a folder to write the project into; emptied first)');
  const seed = integer(values.seed, '--seed');
  const files = integer(values.files, '--files');
  const out = resolve(values.out);
  const kinds = values.kinds ? (values.kinds.split(',').map((kind) => kind.trim()) as MutationKind[]) : undefined;
  const unknown = kinds?.filter((kind) => !MUTATION_KINDS.includes(kind));
  if (unknown?.length) throw new Error(`unknown --kinds ${unknown.join(', ')}; known: ${MUTATION_KINDS.join(', ')}`);
  const started = Date.now();
  const say = (text: string): void => {
    if (!values.json) process.stdout.write(`${text}\n`);
  };

  if (values.history !== undefined) {
    const history = await generateHistory(out, { seed, files, commits: integer(values.history, '--history'), fractionPerCommit: fraction(values.mutate ?? '0.01'), kinds });
    say(`Generated a repository of ${history.commits.length + 1} commits (${history.files} files at the first) in ${history.root} (${Date.now() - started} ms)`);
    if (values.json) process.stdout.write(JSON.stringify({ root: history.root, files: history.files, initial: history.initial, commits: history.commits.map((c) => ({ sha: c.sha, added: c.changes.added.length, modified: c.changes.modified.length, deleted: c.changes.deleted.length })) }, null, 2) + '\n');
    return;
  }

  const org = generateOrg({ seed, files, outDir: out });
  say(`Generated ${org.files} files in ${org.root} (${Date.now() - started} ms)`);
  if (values.mutate === undefined) {
    if (values.json) process.stdout.write(JSON.stringify(org, null, 2) + '\n');
    return;
  }
  let target = org.root;
  if (values['mutate-out']) {
    target = resolve(values['mutate-out']);
    if (existsSync(target)) rmSync(target, { recursive: true, force: true });
    cpSync(org.root, target, { recursive: true });
  }
  const report = mutateOrg(target, { seed: values['mutate-seed'] ? integer(values['mutate-seed'], '--mutate-seed') : seed + 1, fraction: fraction(values.mutate), kinds });
  say(`Mutated ${target}: ${report.mutations.length} edits, ${report.added.length} added, ${report.modified.length} modified, ${report.deleted.length} deleted files (${report.renamed.length} renamed)`);
  if (values.json) process.stdout.write(JSON.stringify({ org, mutated: target, report }, null, 2) + '\n');
}

function integer(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} must be a whole number, got ${text}`);
  return value;
}

function fraction(text: string): number {
  const value = Number(text);
  if (!(value > 0 && value <= 1)) throw new Error(`--mutate must be a fraction in (0, 1], got ${text}`);
  return value;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
