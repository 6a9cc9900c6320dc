import { join } from 'node:path';
import { expect } from 'chai';
import { runCheck } from '../../src/checks/run-check.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'global');

describe('federate check on the embedded example', () => {
  it('raises the expected China findings on the global side (--raw)', async () => {
    const result = await runCheck({ cwd: EXAMPLE, region: 'china', raw: true, env: {} });
    const found = result.findings.map((finding) => `${finding.rule} ${finding.component}`);
    expect(found).to.include.members([
      'CN-HOST-01 CustomLabels:CustomLabels',
      'CN-HOST-01 LightningComponentBundle:orderHelpPanel',
      'CN-CBDT-01 RemoteSiteSetting:Stripe_API',
      'CN-CBDT-01 RemoteSiteSetting:Segment_Analytics',
      'CN-CBDT-02 NamedCredential:Payments',
      'CN-CBDT-07 ApexClass:StripeRefundClient',
      'CN-AUTH-01 ConnectedApp:Brightleaf_Order_Portal',
      'CN-FEAT-01 GenAiPromptTemplate:Order_Summary',
      'CN-FEAT-02 Settings:EinsteinGpt',
    ]);
    expect(result.exitCode).to.equal(1);
    const label = result.findings.find((finding) => finding.component === 'CustomLabels:CustomLabels')!;
    expect(label).to.include({ path: 'force-app/main/default/labels/CustomLabels.labels-meta.xml', line: 25, column: 24 });
  });

  it('raises nothing on the overlaid China side but what the example accepts', async () => {
    const result = await runCheck({ cwd: EXAMPLE, region: 'china', stage: 'cn-prod', env: {} });
    expect(result.overlay).to.equal('overlays/china/overlay.yml');
    expect(result.findings, JSON.stringify(result.findings, null, 2)).to.deep.equal([]);
    expect(result.staleAcceptances).to.deep.equal([]);
    expect(result.exitCode).to.equal(0);
  });

  it('finds no China value leaking into the global region', async () => {
    const result = await runCheck({ cwd: EXAMPLE, region: 'global', env: {} });
    expect(result.bound).to.equal('global');
    expect(result.findings).to.deep.equal([]);
  });
});
