/*
 * Logging in to an emulated org, for tests, in-process through @salesforce/core, under an isolated HOME so that no
 * test touches the user's own logins. Tests that drive the real sf binary use test/e2e/sf.ts (sfSandbox).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthInfo, ConfigAggregator, StateAggregator } from '@salesforce/core';
import type { Emulator } from './server.js';

/** Environment every sf process of a test gets: its own HOME, no updater, no telemetry, no progress bars. */
export function sfEnv(home: string): NodeJS.ProcessEnv {
  return {
    HOME: home,
    USERPROFILE: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    SF_DISABLE_AUTOUPDATE: 'true',
    SFDX_DISABLE_AUTOUPDATE: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SF_DISABLE_TELEMETRY: 'true',
    SFDX_DISABLE_TELEMETRY: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_USE_PROGRESS_BAR: 'false',
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_DISABLE_SOURCE_MEMBER_POLLING: 'true',
    SF_LOG_LEVEL: 'warn',
  };
}

export type IsolatedHome = {
  readonly home: string;
  /** Environment for child sf processes that share this HOME. */
  readonly env: NodeJS.ProcessEnv;
  /** Puts HOME and the changed variables back and removes the folder. */
  restore(): Promise<void>;
};

/**
 * Points this process (and @salesforce/core's state) at a fresh HOME. Call restore() in `after`: mocha runs every
 * test file in one process.
 */
export async function isolateHome(): Promise<IsolatedHome> {
  const home = mkdtempSync(join(tmpdir(), 'sf-federate-home-'));
  const env = sfEnv(home);
  const saved = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(env)) {
    saved.set(key, process.env[key]);
    process.env[key] = value;
  }
  StateAggregator.clearInstance();
  await ConfigAggregator.clearInstance();
  return {
    home,
    env: { ...process.env, ...env },
    restore: async (): Promise<void> => {
      for (const [key, value] of saved) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      // Config and state read under the temporary HOME must not outlive it: later test files would see a deleted folder.
      StateAggregator.clearInstance();
      await ConfigAggregator.clearInstance();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Logs in to the emulator in-process (AuthInfo + alias), under the current HOME. Returns the username. */
export async function loginInProcess(emulator: Pick<Emulator, 'accessToken' | 'instanceUrl'>, alias: string): Promise<string> {
  const authInfo = await AuthInfo.create({
    accessTokenOptions: { accessToken: emulator.accessToken, instanceUrl: emulator.instanceUrl, loginUrl: emulator.instanceUrl },
  });
  await authInfo.save();
  const username = authInfo.getUsername();
  const state = await StateAggregator.getInstance();
  await state.aliases.setAndSave(alias, username);
  // Forget what was loaded, so that readers find the org the way a fresh sf process does: from the files.
  StateAggregator.clearInstance();
  return username;
}

/** The line a person pastes to log in to an emulator by hand. */
export function loginCommandLine(emulator: Pick<Emulator, 'accessToken' | 'instanceUrl'>, alias: string): string {
  return `SF_ACCESS_TOKEN='${emulator.accessToken}' sf org login access-token --instance-url ${emulator.instanceUrl} --alias ${alias} --no-prompt`;
}
