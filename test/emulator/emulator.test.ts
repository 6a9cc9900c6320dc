import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthInfo, Connection } from '@salesforce/core';
import { ComponentSet, ComponentStatus, DestructiveChangesType, type DeployResult } from '@salesforce/source-deploy-retrieve';
import { expect } from 'chai';
import { FIXTURES } from '../org/support.js';
import { isolateHome, loginInProcess, type IsolatedHome } from './login.js';
import { startEmulator, type Emulator } from './server.js';

// The emulator itself, driven by the real @salesforce/core and SDR over HTTP.
describe('org emulator', () => {
  let home: IsolatedHome;
  let org: Emulator;
  let connection: Connection;
  let work: string;

  before(async () => {
    home = await isolateHome();
    org = await startEmulator({ sourceDir: join(FIXTURES, 'global', 'force-app') });
    const username = await loginInProcess(org, 'emu');
    connection = await Connection.create({ authInfo: await AuthInfo.create({ username }), connectionOptions: { version: '62.0' } });
  });
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'sf-federate-emu-'));
    cpSync(join(FIXTURES, 'global'), work, { recursive: true });
  });
  afterEach(() => {
    org.clearFaults();
    rmSync(work, { recursive: true, force: true });
  });
  after(async () => {
    await org?.stop();
    await home?.restore();
  });

  const greeting = (): string => join(work, 'force-app', 'main', 'default', 'classes', 'Greeting.cls');
  const stored = (): string => readFileSync(join(org.metadataDir, 'classes', 'Greeting.cls'), 'utf8');
  const deploy = async (paths: string[], apiOptions: Record<string, unknown> = {}, set?: ComponentSet): Promise<DeployResult> => {
    const components = set ?? ComponentSet.fromSource(paths);
    components.apiVersion = '62.0';
    const operation = await components.deploy({ usernameOrConnection: connection, apiOptions });
    return operation.pollStatus(20, 60);
  };

  it('answers REST calls that arrive as //services/… (the sf CLI keeps a trailing slash)', async () => {
    const response = await fetch(`${org.instanceUrl}//services/data`, { headers: { Authorization: `Bearer ${org.accessToken}` } });
    expect(response.status).to.equal(200);
    expect(((await response.json()) as Array<{ version: string }>).map((v) => v.version)).to.include('62.0');
  });

  it('checks the session: a wrong token gets INVALID_SESSION_ID (SOAP: HTTP 500, REST: 401)', async () => {
    const soap = await fetch(`${org.instanceUrl}/services/Soap/m/62.0`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml', SOAPAction: '""' },
      body: '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header><SessionHeader><sessionId>00D000000000001!wrong</sessionId></SessionHeader></soapenv:Header><soapenv:Body><describeMetadata><asOfVersion>62.0</asOfVersion></describeMetadata></soapenv:Body></soapenv:Envelope>',
    });
    expect(soap.status).to.equal(500);
    expect(await soap.text()).to.include('<faultcode>sf:INVALID_SESSION_ID</faultcode>');
    const rest = await fetch(`${org.instanceUrl}/services/data/v62.0/query?q=SELECT+Id+FROM+Organization`, { headers: { Authorization: 'Bearer nope' } });
    expect(rest.status).to.equal(401);
  });

  it('answers the login checks: Organization query, ScratchOrgInfo and SandboxProcess refused, no SourceMember', async () => {
    const headers = { Authorization: `Bearer ${org.accessToken}` };
    const q = (soql: string, tooling = false): Promise<Response> => fetch(`${org.instanceUrl}/services/data/v62.0/${tooling ? 'tooling/' : ''}query?q=${encodeURIComponent(soql)}`, { headers });
    const organization = (await (await q('SELECT Name, InstanceName, IsSandbox FROM Organization')).json()) as { records: Array<{ Id: string; IsSandbox: boolean }> };
    expect(organization.records[0]).to.include({ Id: org.orgId, IsSandbox: false });
    expect((await q('SELECT Id FROM ScratchOrgInfo limit 1')).status).to.equal(400);
    expect((await q('SELECT Id FROM SandboxProcess', true)).status).to.equal(400);
    expect((await fetch(`${org.instanceUrl}/services/data/v62.0/tooling/sobjects/SourceMember/describe`, { headers })).status).to.equal(404);
  });

  it('makes access tokens that look like Salesforce session ids', () => {
    expect(org.accessToken).to.match(/^00D\w{12,15}!.+/);
    expect(org.orgId).to.match(/^00D\w{15}$/);
  });

  it('deploys: a successful deploy changes the stored org; checkOnly does not', async () => {
    writeFileSync(greeting(), readFileSync(greeting(), 'utf8').replace('Hello from global', 'Hello, validated'));
    const validated = await deploy([greeting()], { checkOnly: true });
    expect(validated.response.status).to.equal('Succeeded');
    expect(stored()).to.include('Hello from global');
    writeFileSync(greeting(), readFileSync(greeting(), 'utf8').replace('Hello, validated', 'Hello, deployed'));
    const deployed = await deploy([greeting()]);
    expect(deployed.response.status).to.equal('Succeeded');
    expect(deployed.getFileResponses().some((f) => f.fullName === 'Greeting' && f.state === ComponentStatus.Changed)).to.equal(true);
    expect(stored()).to.include('Hello, deployed');
  });

  it('reports an injected component failure with line and column, and rolls the whole deploy back', async () => {
    const rss = join(work, 'force-app', 'main', 'default', 'remoteSiteSettings', 'Analytics.remoteSite-meta.xml');
    writeFileSync(rss, readFileSync(rss, 'utf8').replace('https://analytics.example.com', 'https://analytics.example.org'));
    writeFileSync(greeting(), 'public class Greeting { /* broken */ }');
    org.fail({ kind: 'componentFailure', type: 'ApexClass', fullName: 'Greeting', problem: 'Unexpected token', line: 3, column: 7 });
    const result = await deploy([greeting(), rss]);
    expect(result.response.status).to.equal('Failed');
    const failure = result.getFileResponses().find((f) => f.state === ComponentStatus.Failed);
    expect(failure).to.include({ fullName: 'Greeting', lineNumber: 3, columnNumber: 7, error: 'Unexpected token (3:7)' });
    expect(readFileSync(join(org.metadataDir, 'remoteSiteSettings', 'Analytics.remoteSite'), 'utf8')).to.include('analytics.example.com'); // rolled back
  });

  it('with rollbackOnError=false, deploys what succeeded (SucceededPartial)', async () => {
    const rss = join(work, 'force-app', 'main', 'default', 'remoteSiteSettings', 'Analytics.remoteSite-meta.xml');
    writeFileSync(rss, readFileSync(rss, 'utf8').replace('https://analytics.example.com', 'https://partial.example.org'));
    org.fail({ kind: 'componentFailure', type: 'ApexClass', line: 1, column: 1 });
    const result = await deploy([greeting(), rss], { rollbackOnError: false });
    expect(result.response.status).to.equal('SucceededPartial');
    expect(readFileSync(join(org.metadataDir, 'remoteSiteSettings', 'Analytics.remoteSite'), 'utf8')).to.include('partial.example.org');
  });

  it('fails malformed XML with the line and column of the problem', async () => {
    const meta = `${greeting()}-meta.xml`;
    writeFileSync(meta, '<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">\n    <apiVersion>62.0</apiVersion>\n    <status>Active</stat>\n</ApexClass>\n');
    const result = await deploy([greeting()]);
    expect(result.response.status).to.equal('Failed');
    const failure = result.getFileResponses().find((f) => f.state === ComponentStatus.Failed) as { lineNumber?: number } | undefined;
    expect(failure?.lineNumber).to.equal(4);
  });

  it('applies destructive changes', async () => {
    const remote = ComponentSet.fromSource(join(work, 'force-app', 'main', 'default', 'remoteSiteSettings')).getSourceComponents().first()!;
    remote.setMarkedForDelete(DestructiveChangesType.POST);
    const destructive = new ComponentSet([remote]);
    destructive.apiVersion = '62.0';
    const result = await deploy([], {}, destructive);
    expect(result.response.status).to.equal('Succeeded');
    expect(existsSync(join(org.metadataDir, 'remoteSiteSettings', 'Analytics.remoteSite'))).to.equal(false);
  });

  it('deploys through REST metadata/deployRequest (what sf does when SF_ORG_METADATA_REST_DEPLOY=true)', async () => {
    const since = org.requests.length;
    writeFileSync(greeting(), readFileSync(greeting(), 'utf8').replace(/Hello[^']*/, 'Hello over REST'));
    const result = await deploy([greeting()], { rest: true });
    expect(result.response.status).to.equal('Succeeded');
    const operations = org.requests.slice(since).map((r) => r.operation);
    expect(operations).to.include('deployRequest');
    expect(operations).to.not.include('deploy');
    expect(stored()).to.include('Hello over REST');
  });

  it('injects faults: HTTP 500, a dropped connection, a slow answer, an expired session', async () => {
    const headers = { Authorization: `Bearer ${org.accessToken}` };
    const url = `${org.instanceUrl}/services/data/v62.0`;
    org.fail({ kind: 'http500', on: 'rest' });
    expect((await fetch(url, { headers })).status).to.equal(500);
    org.fail({ kind: 'drop', on: 'rest' });
    let dropped = false;
    await fetch(url, { headers }).catch(() => {
      dropped = true;
    });
    expect(dropped).to.equal(true);
    org.fail({ kind: 'slow', on: 'rest', ms: 300 });
    const start = Date.now();
    expect((await fetch(url, { headers })).status).to.equal(200);
    expect(Date.now() - start).to.be.greaterThanOrEqual(280);
    org.fail({ kind: 'expiredSession', on: 'rest' });
    expect((await fetch(url, { headers })).status).to.equal(401);
    expect((await fetch(url, { headers })).status).to.equal(200); // one-off
    expect(org.pendingFaults()).to.equal(0);
  });
});
