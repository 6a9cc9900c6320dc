import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuthInfo } from '@salesforce/core';
import { expect } from 'chai';
import { readOrgSource } from '../../src/metadata/sources/org.js';
import { readSource, parseSourceSpec, settleSourceSpec } from '../../src/metadata/sources/index.js';
import type { SourceSpec } from '../../src/metadata/sources/source.js';
import type { Snapshot } from '../../src/metadata/types.js';
import { isolateHome, loginInProcess, type IsolatedHome } from '../emulator/login.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { allText, errorSurface, FIXTURES, progressLog, removeDir, tempProject } from './support.js';

const API = '62.0';
const spec = (alias: string): SourceSpec => parseSourceSpec(`org:${alias}`);
const retrieves = (emulator: Emulator, since: number): Array<Emulator['requests'][number]> => emulator.requests.slice(since).filter((r) => r.operation === 'retrieve');
const FAST = { retryDelayMs: 10, pollMs: 20 };

async function expectError(promise: Promise<unknown>): Promise<Error & { name: string; exitCode?: number; actions?: string[] }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { name: string; exitCode?: number; actions?: string[] };
  }
  throw new Error('expected an error');
}

describe('org sources (through @salesforce/core and SDR against the emulator)', () => {
  let home: IsolatedHome;
  let global: Emulator;
  let china: Emulator;
  let project: string;
  let wholeProject: string;
  let wholeGlobal: Snapshot;
  let wholeChina: Snapshot;
  let wholeGlobalRequests: Emulator['requests'];
  /** Every text a user could see in these tests: searched for the access tokens at the end. */
  const seen: string[] = [];

  before(async () => {
    home = await isolateHome();
    [global, china] = await Promise.all([
      startEmulator({ sourceDir: join(FIXTURES, 'global', 'force-app'), instance: 'global' }),
      startEmulator({ sourceDir: join(FIXTURES, 'china', 'force-app'), instance: 'china' }),
    ]);
    await loginInProcess(global, 'global-prod');
    await loginInProcess(china, 'china-prod');
    // One whole-org read of each (discovery lists every type the org describes: the slow part), shared by the tests.
    wholeProject = tempProject();
    const since = global.requests.length;
    const log = progressLog();
    wholeGlobal = await readOrgSource(spec('global-prod'), { apiVersion: API, projectDir: wholeProject, onProgress: log.listener }, FAST);
    wholeGlobalRequests = global.requests.slice(since);
    wholeChina = await readOrgSource(spec('china-prod'), { apiVersion: API, projectDir: wholeProject, onProgress: log.listener }, FAST);
    seen.push(...log.events.map((e) => e.message));
  });
  beforeEach(() => {
    project = tempProject();
  });
  afterEach(() => {
    global.clearFaults();
    china.clearFaults();
    removeDir(project);
  });
  after(async () => {
    await Promise.all([global?.stop(), china?.stop()]);
    removeDir(wholeProject);
    await home?.restore();
  });

  const read = async (alias: string, extra: Record<string, unknown> = {}, tuning: Record<string, unknown> = {}): Promise<Snapshot> => {
    const log = progressLog();
    try {
      return await readOrgSource(spec(alias), { apiVersion: API, projectDir: project, onProgress: log.listener, ...extra }, { ...FAST, ...tuning });
    } finally {
      seen.push(...log.events.map((e) => e.message));
    }
  };

  it('reads an org into the same components as the source folder it holds', async () => {
    const fromOrg = wholeGlobal;
    const fromDir = await readSource(parseSourceSpec(`dir:${join(FIXTURES, 'global', 'force-app')}`), { apiVersion: API, projectDir: project });
    expect([...fromOrg.components.keys()].sort()).to.deep.equal([...fromDir.components.keys()].sort());
    expect(fromOrg.components.get('ApexClass:Greeting')!.hash).to.equal(fromDir.components.get('ApexClass:Greeting')!.hash);
    expect(fromOrg.source).to.include({ kind: 'org', spec: 'org:global-prod', orgId: global.orgId, instance: 'global' });
    expect(fromOrg.source.label).to.equal(`global-prod (${global.orgId}, ${global.instanceUrl})`);
    expect(fromOrg.apiVersion).to.equal(API);
  });

  it("applies the project's .forceignore to what it retrieved, as sf project retrieve does, and no more", async () => {
    // A project made by `sf project generate` has a .forceignore; the retrieve is kept below the project's .sf-federate/.
    writeFileSync(join(project, '.forceignore'), 'package.xml\n**/jsconfig.json\n**/.eslintrc.json\n**/__tests__/**\n**/remoteSiteSettings/**\n');
    const snapshot = await read('global-prod');
    const expected = [...wholeGlobal.components.keys()].filter((key) => !key.startsWith('RemoteSiteSetting:')).sort();
    expect(expected.length).to.be.greaterThan(5);
    expect([...snapshot.components.keys()].sort()).to.deep.equal(expected);
    expect(snapshot.unclassified).to.deep.equal([]);
  });

  it('recognises the China org and tells the two orgs apart', () => {
    const [g, c] = [wholeGlobal, wholeChina];
    expect(c.source.instance).to.equal('china');
    expect(g.components.has('RemoteSiteSetting:Analytics')).to.equal(true);
    expect(c.components.has('RemoteSiteSetting:Analytics')).to.equal(false);
    expect(c.components.has('RemoteSiteSetting:WeCom')).to.equal(true);
    expect(g.components.get('ApexClass:Greeting')!.hash).to.not.equal(c.components.get('ApexClass:Greeting')!.hash);
    expect(g.components.get('CustomField:Invoice__c.Amount__c')!.hash).to.equal(c.components.get('CustomField:Invoice__c.Amount__c')!.hash);
  });

  it('uses wildcards where the type allows them and names standard objects and folders', () => {
    const detail = wholeGlobalRequests.filter((r) => r.operation === 'retrieve').map((r) => r.detail).join(',');
    expect(detail).to.include('ApexClass:*');
    expect(detail).to.include('CustomObject:*|Account'); // the wildcard leaves out standard objects
    expect(detail).to.include('Report:Sales/'); // a folder, named
    expect(detail).to.include('Sales/Pipeline'); // a report in a folder, named
    const listed = wholeGlobalRequests.filter((r) => r.operation === 'listMetadata').map((r) => r.detail);
    expect(listed).to.include('Report/Sales');
    expect(listed).to.include('ReportFolder');
  });

  it('pins the API version on every Metadata API call and never asks the org for versions', async () => {
    const since = global.requests.length;
    const snapshot = await readOrgSource(spec('global-prod'), { apiVersion: '61.0', projectDir: project, metadata: ['ApexClass', 'CustomObject'] }, FAST);
    const calls = global.requests.slice(since);
    expect(snapshot.apiVersion).to.equal('61.0');
    expect(calls.filter((r) => r.path.startsWith('/services/Soap/m/')).map((r) => r.path)).to.satisfy((paths: string[]) => paths.length > 0 && paths.every((p) => p === '/services/Soap/m/61.0'));
    expect(calls.filter((r) => r.path === '/services/data')).to.have.length(0);
  });

  it('narrows the retrieve with --metadata TYPE and TYPE:NAME', async () => {
    const since = global.requests.length;
    const snapshot = await read('global-prod', { metadata: ['ApexClass', 'CustomObject:Account'] });
    expect([...snapshot.components.keys()].sort()).to.deep.equal(['ApexClass:Greeting', 'CustomField:Account.Region__c', 'CustomObject:Account']);
    const listed = global.requests.slice(since).filter((r) => r.operation === 'listMetadata').map((r) => r.detail);
    expect(listed).to.deep.equal(['ApexClass']);
  });

  it('narrows the retrieve with --manifest package.xml', async () => {
    const manifest = join(project, 'package.xml');
    writeFileSync(
      manifest,
      '<?xml version="1.0" encoding="UTF-8"?><Package xmlns="http://soap.sforce.com/2006/04/metadata"><types><members>*</members><name>RemoteSiteSetting</name></types><types><members>CustomLabels</members><name>CustomLabels</name></types><version>62.0</version></Package>'
    );
    const snapshot = await read('global-prod', { manifest: 'package.xml' });
    expect([...snapshot.components.keys()].sort()).to.deep.equal(['CustomLabels:CustomLabels', 'RemoteSiteSetting:Analytics']);
  });

  it('refuses a malformed --metadata value before contacting the org', async () => {
    const since = global.requests.length;
    const error = await expectError(read('global-prod', { metadata: ['NoSuchThing:X'] }));
    expect(error.name).to.equal('MetadataFilterError');
    expect(error.exitCode).to.equal(2);
    expect(global.requests.length).to.equal(since);
  });

  it('retrieves in batches that respect the files limit, with the same result', async () => {
    const since = global.requests.length;
    const metadata = ['ApexClass', 'CustomObject', 'RemoteSiteSetting', 'CustomLabels', 'Report'];
    const batched = await read('global-prod', { metadata }, { maxFilesPerRetrieve: 4 });
    expect(retrieves(global, since).length).to.be.greaterThan(2);
    const whole = await read('global-prod', { metadata, noCache: true });
    expect([...batched.components.keys()].sort()).to.deep.equal([...whole.components.keys()].sort());
  });

  describe('cache', () => {
    it('reuses a retrieve within the TTL, keyed by what was asked; --no-cache and TTL 0 retrieve again', async () => {
      let since = global.requests.length;
      await read('global-prod', { metadata: ['ApexClass'] });
      expect(retrieves(global, since)).to.have.length(1);
      since = global.requests.length;
      const cached = await read('global-prod', { metadata: ['ApexClass'] });
      expect(global.requests.length).to.equal(since); // not one request
      expect(cached.components.has('ApexClass:Greeting')).to.equal(true);
      await read('global-prod', { metadata: ['RemoteSiteSetting'] });
      expect(retrieves(global, since)).to.have.length(1); // another key
      since = global.requests.length;
      await read('global-prod', { metadata: ['ApexClass'], noCache: true });
      await read('global-prod', { metadata: ['ApexClass'], cacheTtlMinutes: 0 });
      expect(retrieves(global, since)).to.have.length(2);
      expect(readdirSync(join(project, '.sf-federate', 'cache'))).to.deep.equal([global.orgId]);
    });

    it('never holds an access token', () => {
      const text = allText(join(wholeProject, '.sf-federate', 'cache'));
      expect(text).to.include('Greeting');
      expect(text).to.not.include(global.accessToken);
      expect(text).to.not.include(china.accessToken);
      expect(text).to.not.match(/00D\w{12,15}!/);
    });
  });

  describe('faults', () => {
    it('unknown alias: says how to log in, for the global and the China instance', async () => {
      const error = await expectError(read('nope'));
      expect(error.name).to.equal('UnknownOrgError');
      expect(error.exitCode).to.equal(2);
      const actions = (error.actions ?? []).join('\n');
      expect(actions).to.include('sf org login web --alias nope');
      expect(actions).to.include('--instance-url https://login.sfcrmproducts.cn');
      seen.push(errorSurface(error));
    });

    it('expired or revoked session: says which sf org login to run, and writes no cache entry', async () => {
      global.fail({ kind: 'expiredSession', on: 'retrieve', times: 5 });
      const error = await expectError(read('global-prod', { metadata: ['ApexClass'] }));
      expect(error.name).to.equal('SessionExpiredError');
      expect(error.exitCode).to.equal(3);
      expect((error.actions ?? []).join('\n')).to.include(`sf org login web --alias global-prod --instance-url ${global.instanceUrl}`);
      expect(existsSync(join(project, '.sf-federate', 'cache', global.orgId)) ? readdirSync(join(project, '.sf-federate', 'cache', global.orgId)) : []).to.deep.equal([]);
      seen.push(errorSurface(error));
    });

    it('an org that refuses a type: a warning, and the rest is read', async () => {
      const picky = await startEmulator({ sourceDir: join(FIXTURES, 'china', 'force-app'), instance: 'china', refuseTypes: ['RemoteSiteSetting'] });
      try {
        await loginInProcess(picky, 'picky');
        const log = progressLog();
        const snapshot = await readOrgSource(spec('picky'), { apiVersion: API, projectDir: project, onProgress: log.listener, metadata: ['RemoteSiteSetting', 'ApexClass'] }, FAST);
        seen.push(...log.events.map((e) => e.message), picky.accessToken);
        expect(log.warnings().join('\n')).to.include('does not support the metadata type RemoteSiteSetting');
        expect([...snapshot.components.keys()]).to.deep.equal(['ApexClass:Greeting']);
        const whole = await readOrgSource(spec('picky'), { apiVersion: API, projectDir: project }, FAST);
        expect(whole.components.has('ApexClass:Greeting')).to.equal(true);
        expect([...whole.components.keys()].some((key) => key.startsWith('RemoteSiteSetting:'))).to.equal(false);
      } finally {
        await picky.stop();
      }
    });

    it('missing members: reported as warnings, the run goes on (and the warnings come back from the cache)', async () => {
      const log = progressLog();
      const options = { apiVersion: API, projectDir: project, onProgress: log.listener, metadata: ['ApexClass:Greeting', 'ApexClass:Missing'] };
      const snapshot = await readOrgSource(spec('global-prod'), options, FAST);
      expect([...snapshot.components.keys()]).to.deep.equal(['ApexClass:Greeting']);
      expect(log.warnings().join('\n')).to.include("Entity of type 'ApexClass' named 'Missing' cannot be found");
      const again = progressLog();
      await readOrgSource(spec('global-prod'), { ...options, onProgress: again.listener }, FAST);
      expect(again.warnings().join('\n')).to.include("named 'Missing' cannot be found");
      seen.push(...log.events.map((e) => e.message));
    });

    it('a dropped connection mid-retrieve is retried, with a warning', async () => {
      global.fail({ kind: 'drop', on: 'retrieve' });
      const log = progressLog();
      const snapshot = await readOrgSource(spec('global-prod'), { apiVersion: API, projectDir: project, onProgress: log.listener, metadata: ['ApexClass'] }, FAST);
      expect(snapshot.components.has('ApexClass:Greeting')).to.equal(true);
      expect(log.warnings().join('\n')).to.match(/trying again \(attempt 2 of 3\)/);
      expect(global.pendingFaults()).to.equal(0);
    });

    it('an HTTP 500 while listing is retried', async () => {
      global.fail({ kind: 'http500', on: 'listMetadata' });
      const snapshot = await read('global-prod', { metadata: ['ApexClass'] });
      expect(snapshot.components.has('ApexClass:Greeting')).to.equal(true);
      expect(global.pendingFaults()).to.equal(0);
    });

    it('a network that keeps failing: bounded retries, a clear error, no half snapshot in the cache', async () => {
      global.fail({ kind: 'drop', on: 'retrieve', times: 10 });
      const since = global.requests.length;
      const error = await expectError(read('global-prod', { metadata: ['ApexClass'] }, { retries: 2 }));
      expect(error.name).to.equal('OrgUnreachableError');
      expect(error.exitCode).to.equal(3);
      expect(error.message).to.include('after 3 attempt(s)');
      expect(retrieves(global, since)).to.have.length(3);
      expect(readdirSync(join(project, '.sf-federate', 'cache', global.orgId))).to.deep.equal([]);
      seen.push(errorSurface(error));
    });

    it('a retrieve that times out: bounded retries, then a clear error, and no cache entry', async () => {
      global.fail({ kind: 'slow', on: 'checkRetrieveStatus', ms: 1500, times: 10 });
      const error = await expectError(read('global-prod', { metadata: ['ApexClass'] }, { retries: 1, timeoutMs: 300 }));
      expect(error.name).to.equal('OrgUnreachableError');
      expect(error.message).to.match(/after 2 attempt\(s\).*timed out/);
      expect(readdirSync(join(project, '.sf-federate', 'cache', global.orgId))).to.deep.equal([]);
      seen.push(errorSurface(error));
    });

    it('a failed retrieve keeps the previous cache entry intact', async () => {
      await read('global-prod', { metadata: ['ApexClass'] });
      global.fail({ kind: 'drop', on: 'retrieve', times: 10 });
      await expectError(read('global-prod', { metadata: ['ApexClass'], noCache: true }, { retries: 0 }));
      global.clearFaults();
      const since = global.requests.length;
      const cached = await read('global-prod', { metadata: ['ApexClass'] });
      expect(global.requests.length).to.equal(since);
      expect(cached.components.has('ApexClass:Greeting')).to.equal(true);
    });
  });

  describe('China logins', () => {
    it('an instance URL on a China My Domain is a China org; a Lightning host is refused with the fix', async () => {
      const org = await startEmulator({ sourceDir: join(FIXTURES, 'global', 'force-app') });
      try {
        const username = await loginInProcess(org, 'cn-domain');
        await read('cn-domain', { metadata: ['ApexClass'] }); // fills the cache while the URL still points at the emulator
        const auth = await AuthInfo.create({ username });
        await auth.save({ instanceUrl: 'https://acme.my.sfcrmproducts.cn' });
        const fromCache = await read('cn-domain', { metadata: ['ApexClass'] });
        expect(fromCache.source.instance).to.equal('china');
        expect(fromCache.source.label).to.equal(`cn-domain (${org.orgId}, https://acme.my.sfcrmproducts.cn)`);

        await auth.save({ instanceUrl: 'https://acme.lightning.sfcrmapps.cn' });
        const error = await expectError(read('cn-domain', { metadata: ['ApexClass'] }));
        expect(error.name).to.equal('LightningInstanceUrlError');
        expect(error.exitCode).to.equal(2);
        expect((error.actions ?? []).join('\n')).to.include('--instance-url https://acme.my.sfcrmproducts.cn');
        seen.push(errorSurface(error), org.accessToken);
      } finally {
        await org.stop();
      }
    });
  });

  describe('recognising a bare value', () => {
    it('an alias or username known to the auth store is an org', async () => {
      const settled = await settleSourceSpec(parseSourceSpec('china-prod'), { apiVersion: API, projectDir: project });
      expect(settled.kind).to.equal('org');
      const byUsername = await settleSourceSpec(parseSourceSpec(china.username), { apiVersion: API, projectDir: project });
      expect(byUsername.kind).to.equal('org');
      const error = await expectError(settleSourceSpec(parseSourceSpec('nobody-knows-me'), { apiVersion: API, projectDir: project }));
      expect(error.name).to.equal('SourceNotFoundError');
    });
  });

  describe('secrets (runs last)', () => {
    it('no access token appears in any error, warning or progress event of these tests', () => {
      const tokens = [global.accessToken, china.accessToken, ...seen.filter((s) => /^00D\w{12,15}!/.test(s))];
      const text = seen.filter((s) => !/^00D\w{12,15}!/.test(s)).join('\n');
      expect(text.length).to.be.greaterThan(1000);
      for (const token of tokens) expect(text).to.not.include(token);
      expect(text).to.not.match(/00D\w{12,15}![\w.]{8,}/);
    });
  });
});
