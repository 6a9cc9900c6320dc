/*
 * How sfdx-git-delta (sgd) is run for comparison: as a library, without the sf CLI. Its package exports the
 * function its `sf sgd source delta` command calls (lib/main.js); the config is the command's flags.
 *
 *   tsx bench/sgd/run-sgd.ts --repo DIR --from REF --to REF --output DIR [--generate-delta] [--source force-app]
 *
 * prints `{ package, destructiveChanges, warnings }` as JSON (members per type) and writes sgd's own
 * package/package.xml and destructiveChanges/destructiveChanges.xml (and, with --generate-delta, the delta sources)
 * under --output, exactly as `sf sgd source delta` does.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import sgd from 'sfdx-git-delta';

export type SgdOptions = {
  readonly repo: string;
  readonly from: string;
  readonly to: string;
  readonly output: string;
  readonly source?: readonly string[];
  readonly generateDelta?: boolean;
  readonly apiVersion?: number;
};

/** Members per metadata type, sorted. */
export type SgdMembers = Record<string, string[]>;

export type SgdResult = { readonly package: SgdMembers; readonly destructiveChanges: SgdMembers; readonly warnings: string[] };

type SgdConfig = Parameters<typeof sgd>[0];

export async function runSgd(options: SgdOptions): Promise<SgdResult> {
  mkdirSync(options.output, { recursive: true });
  const config: SgdConfig = {
    repo: resolve(options.repo),
    from: options.from,
    to: options.to,
    output: resolve(options.output),
    source: [...(options.source ?? ['force-app'])],
    ignoreWhitespace: false,
    generateDelta: options.generateDelta === true,
    apiVersion: options.apiVersion ?? 62,
  };
  const work = await sgd(config);
  return {
    package: members(work.diffs.package),
    destructiveChanges: members(work.diffs.destructiveChanges),
    warnings: work.warnings.map((warning) => (warning instanceof Error ? warning.message : String(warning))),
  };
}

function members(map: Map<string, Set<string>>): SgdMembers {
  const result: SgdMembers = {};
  for (const [type, names] of [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) result[type] = [...names].sort();
  return result;
}

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      repo: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      output: { type: 'string' },
      source: { type: 'string', multiple: true },
      'generate-delta': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (!values.repo || !values.from || !values.to || !values.output) throw new Error('--repo, --from, --to and --output are required');
  const result = await runSgd({ repo: values.repo, from: values.from, to: values.to, output: values.output, source: values.source, generateDelta: values['generate-delta'] });
  const count = (m: SgdMembers): number => Object.values(m).reduce((sum, list) => sum + list.length, 0);
  process.stdout.write(values.quiet ? `${JSON.stringify({ package: count(result.package), destructiveChanges: count(result.destructiveChanges) })}\n` : `${JSON.stringify(result)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  });
}
