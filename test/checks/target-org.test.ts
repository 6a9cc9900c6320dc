import { join } from 'node:path';
import { expect } from 'chai';
import { runCheck } from '../../src/checks/run-check.js';
import { isolateHome, loginInProcess, type IsolatedHome } from '../emulator/login.js';
import { startEmulator, type Emulator } from '../emulator/server.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'global');

describe('federate check --target-org (org emulator over HTTP, real @salesforce/core)', () => {
  let home: IsolatedHome;
  let emulator: Emulator;
  before(async () => {
    home = await isolateHome();
    emulator = await startEmulator({ instance: 'china', apiVersion: '61.0', refuseTypes: ['GenAiPromptTemplate'] });
    await loginInProcess(emulator, 'china-prod');
  });
  after(async () => {
    await emulator?.stop();
    await home?.restore();
  });

  it('flags types the org does not describe and API versions above its highest', async () => {
    const result = await runCheck({ cwd: EXAMPLE, region: 'china', raw: true, targetOrg: 'china-prod', apiVersion: '61.0', env: {} });
    expect(result.targetOrg?.maxApiVersion).to.equal('61.0');
    const org = result.findings.filter((finding) => finding.rule === 'CN-ORG-01');
    expect(org.map((finding) => finding.component)).to.deep.equal(['GenAiPromptTemplate:Order_Summary']);
    const api = result.findings.filter((finding) => finding.rule === 'CN-API-01');
    expect(api.length).to.be.greaterThan(0);
    expect(api.every((finding) => finding.severity === 'error' && finding.message.includes('61.0'))).to.equal(true);
    expect(result.rules.find((rule) => rule.id === 'CN-ORG-01')?.status).to.equal('ran');
  });
});
