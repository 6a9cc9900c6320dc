import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { execaSync } from 'execa';
import type { DiffResult } from '../../src/compare/result.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { FIXTURES } from '../org/support.js';
import { PLUGIN_DIR, sfSandbox, type SfRun, type SfSandbox } from './sf.js';

// The real sf binary (pinned @salesforce/cli, isolated HOME, plugin linked) against two emulated orgs on 127.0.0.1:
// log in with `sf org login access-token`, then `sf federate diff --from org:… --to org:…`.
describe('e2e: sf org login access-token + sf federate diff between two orgs (real sf CLI, emulated orgs)', function () {
  this.timeout(300_000);
  let sf: SfSandbox;
  let global: Emulator;
  let china: Emulator;
  let project: string;
  const outputs: string[] = [];

  const run = async (args: string[], env: Record<string, string> = {}): Promise<SfRun> => {
    const result = await sf.run(args, { cwd: project, env });
    outputs.push(result.stdout, result.stderr);
    return result;
  };
  const retrieves = (emulator: Emulator, since: number): number => emulator.requests.slice(since).filter((r) => r.operation === 'retrieve').length;

  before(async () => {
    // The linked plugin runs lib/: make sure it holds the org source.
    if (!existsSync(join(PLUGIN_DIR, 'lib', 'metadata', 'org', 'discovery.js'))) execaSync(join(PLUGIN_DIR, 'node_modules', '.bin', 'tsc'), ['-p', PLUGIN_DIR], { reject: false });
    [sf, global, china] = await Promise.all([
      sfSandbox(),
      startEmulator({ sourceDir: join(FIXTURES, 'global', 'force-app'), instance: 'global' }),
      startEmulator({ sourceDir: join(FIXTURES, 'china', 'force-app'), instance: 'china' }),
    ]);
    project = mkdtempSync(join(tmpdir(), 'sf-federate-e2e-org-'));
    cpSync(join(FIXTURES, 'global', 'sfdx-project.json'), join(project, 'sfdx-project.json'));
    // The .forceignore every generated project has: it once hid the whole retrieve kept under .sf-federate/.
    cpSync(join(PLUGIN_DIR, 'examples', 'global', '.forceignore'), join(project, '.forceignore'));
  });
  after(async () => {
    await Promise.all([global?.stop(), china?.stop()]);
    sf?.dispose();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('logs in with sf org login access-token, and sf org display shows the org', async () => {
    for (const [org, alias] of [
      [global, 'global-e2e'],
      [china, 'china-e2e'],
    ] as const) {
      // eslint-disable-next-line no-await-in-loop
      const login = await run(['org', 'login', 'access-token', '--instance-url', org.instanceUrl, '--alias', alias, '--no-prompt', '--json'], { SF_ACCESS_TOKEN: org.accessToken });
      expect(login.exitCode, login.stdout + login.stderr).to.equal(0);
    }
    const display = await run(['org', 'display', '--target-org', 'china-e2e', '--json']);
    expect(display.exitCode, display.stderr).to.equal(0);
    const result = display.json?.result as { id: string; username: string; connectedStatus: string; alias: string; instanceUrl: string };
    expect(result).to.include({ id: china.orgId, username: china.username, connectedStatus: 'Connected', alias: 'china-e2e' });
    expect(result.instanceUrl.replace(/\/$/, '')).to.equal(china.instanceUrl);
  });

  it('sf federate diff --from org:… --to org:… --json: the global org against the China org', async () => {
    const since = [global.requests.length, china.requests.length];
    const diff = await run(['federate', 'diff', '--from', 'org:global-e2e', '--to', 'org:china-e2e', '--api-version', '62.0', '--json']);
    expect(diff.exitCode, diff.stdout + diff.stderr).to.equal(0);
    expect(diff.stdout.trim().startsWith('{')).to.equal(true); // progress stays out of --json
    const result = diff.json?.result as DiffResult;
    expect(result.from).to.include({ kind: 'org', spec: 'org:global-e2e', orgId: global.orgId, instance: 'global' });
    expect(result.to).to.include({ kind: 'org', spec: 'org:china-e2e', orgId: china.orgId, instance: 'china' });
    const kind = (key: string): string | undefined => result.changes.find((change) => change.key === key)?.kind;
    expect(kind('RemoteSiteSetting:Analytics')).to.equal('removed');
    expect(kind('RemoteSiteSetting:WeCom')).to.equal('added');
    expect(kind('ApexClass:Greeting')).to.equal('changed');
    expect(kind('CustomField:Invoice__c.Amount__c')).to.equal(undefined);
    expect(retrieves(global, since[0])).to.be.greaterThan(0);
    expect(retrieves(china, since[1])).to.be.greaterThan(0);
    expect(readdirSync(join(project, '.sf-federate', 'cache')).sort()).to.deep.equal([global.orgId, china.orgId].sort());
  });

  it('a second diff within --cache-ttl reuses the retrieves; --no-cache retrieves again', async () => {
    let since = [global.requests.length, china.requests.length];
    const again = await run(['federate', 'diff', '--from', 'org:global-e2e', '--to', 'org:china-e2e', '--api-version', '62.0', '--json']);
    expect(again.exitCode, again.stderr).to.equal(0);
    expect(retrieves(global, since[0]) + retrieves(china, since[1])).to.equal(0);
    since = [global.requests.length, china.requests.length];
    const fresh = await run(['federate', 'diff', '--from', 'org:global-e2e', '--to', 'org:china-e2e', '--api-version', '62.0', '--metadata', 'ApexClass', '--no-cache', '--json']);
    expect(fresh.exitCode, fresh.stderr).to.equal(0);
    expect(retrieves(global, since[0])).to.equal(1);
    expect((fresh.json?.result as DiffResult).changes.map((change) => change.key)).to.deep.equal(['ApexClass:Greeting']);
  });

  it('an unknown alias exits 2 and says how to log in', async () => {
    const unknown = await run(['federate', 'diff', '--from', 'org:nobody', '--to', 'org:china-e2e', '--api-version', '62.0', '--json']);
    expect(unknown.exitCode).to.equal(2);
    expect(unknown.json?.name).to.equal('UnknownOrgError');
    expect(unknown.stdout).to.include('sf org login web --alias nobody');
  });

  it('a revoked session exits 3, names the sf org login to run, and never prints the token', async () => {
    china.revokeSession();
    const expired = await run(['federate', 'diff', '--from', 'org:global-e2e', '--to', 'org:china-e2e', '--api-version', '62.0', '--metadata', 'ApexClass', '--no-cache', '--json']);
    expect(expired.exitCode, expired.stdout).to.equal(3);
    expect(expired.json?.name).to.equal('SessionExpiredError');
    expect(expired.stdout).to.include(`sf org login web --alias china-e2e --instance-url ${china.instanceUrl}`);
  });

  it('no access token appears in any output of these runs', () => {
    const text = outputs.join('\n');
    expect(text.length).to.be.greaterThan(1000);
    expect(text).to.not.include(global.accessToken);
    expect(text).to.not.include(china.accessToken);
    expect(text).to.not.match(/00D\w{12,15}![\w.]{8,}/);
  });
});
