import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa, execaSync } from 'execa';

/** The repository root: the plugin that gets linked. */
export const PLUGIN_DIR = resolve(import.meta.dirname, '..', '..');
const BIN = join(PLUGIN_DIR, 'node_modules', '.bin');

export type SfRun = {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Parsed stdout when it is JSON (runs with --json). */
  readonly json?: { status: number; result?: unknown; name?: string; message?: string; warnings?: string[]; exitCode?: number };
};

export type SfSandbox = {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  run(args: readonly string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<SfRun>;
  dispose(): void;
};

/**
 * The real `sf` binary (the pinned @salesforce/cli devDependency) with this plugin linked, in a HOME of its own:
 * auth files and linked plugins live there, so nothing of the machine's own sf is read or changed.
 */
export async function sfSandbox(): Promise<SfSandbox> {
  if (!existsSync(join(PLUGIN_DIR, 'lib', 'commands', 'federate', 'diff.js'))) {
    execaSync(join(BIN, 'tsc'), ['-p', PLUGIN_DIR], { cwd: PLUGIN_DIR });
  }
  const home = mkdtempSync(join(tmpdir(), 'sf-federate-e2e-home-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    PATH: `${BIN}:${process.env.PATH ?? ''}`,
    SF_DISABLE_AUTOUPDATE: 'true',
    SF_DISABLE_TELEMETRY: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_USE_PROGRESS_BAR: 'false',
    SF_HIDE_RELEASE_NOTES: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
  };
  const run = async (args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<SfRun> => {
    const result = await execa(join(BIN, 'sf'), args, {
      cwd: options.cwd ?? PLUGIN_DIR,
      env: { ...env, ...options.env },
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      timeout: 120_000,
    });
    let json: SfRun['json'];
    try {
      json = JSON.parse(result.stdout) as SfRun['json'];
    } catch {
      json = undefined;
    }
    return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr, json };
  };
  const linked = await run(['plugins', 'link', PLUGIN_DIR, '--no-install']);
  if (linked.exitCode !== 0) throw new Error(`sf plugins link failed: ${linked.stderr}`);
  return { home, env, run, dispose: () => rmSync(home, { recursive: true, force: true }) };
}
