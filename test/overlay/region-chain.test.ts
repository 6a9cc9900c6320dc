import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runCheck } from '../../src/checks/run-check.js';
import { runDiff } from '../../src/compare/run-diff.js';
import { runOverlayApply, runOverlayCapture } from '../../src/overlay/run.js';
import { writeFiles } from '../compare/support.js';

const D = 'force-app/main/default';

const credential = (name: string, endpoint: string): Record<string, string> => ({
  [`${D}/namedCredentials/${name}.namedCredential-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?>\n<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata">\n    <endpoint>${endpoint}</endpoint>\n    <label>${name}</label>\n    <principalType>Anonymous</principalType>\n    <protocol>NoAuthentication</protocol>\n</NamedCredential>\n`,
});
const stripe = {
  [`${D}/classes/Stripe.cls`]: 'public class Stripe {}\n',
  [`${D}/classes/Stripe.cls-meta.xml`]: '<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">\n    <apiVersion>62.0</apiVersion>\n    <status>Active</status>\n</ApexClass>\n',
};

describe('a region based on another region (federate.yml base:)', function () {
  this.timeout(60_000);
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'sf-federate-chain-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("gets its base region's overlay first, in apply, diff --region, capture and check alike", async () => {
    const global = join(work, 'global');
    const project = JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0' });
    writeFiles(global, {
      'sfdx-project.json': project,
      'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china }\n  china-sub: { base: china, overlay: overlays/china-sub }\n',
      'overlays/china/overlay.yml': 'exclude:\n  - component: ApexClass:Stripe\npatches:\n  - component: NamedCredential:Pay\n    path: endpoint\n    set: https://pay.example.cn\n',
      'overlays/china-sub/overlay.yml': 'patches:\n  - component: NamedCredential:Maps\n    path: endpoint\n    set: https://maps.example.cn\n',
      ...credential('Pay', 'https://pay.example.com'),
      ...credential('Maps', 'https://maps.example.com'),
      ...stripe,
    });
    const built = join(work, 'built');
    await runOverlayApply({ cwd: global, region: 'china-sub', outputDir: built });
    const endpoint = (name: string): string => /<endpoint>(.*)<\/endpoint>/.exec(readFileSync(join(built, `${D}/namedCredentials/${name}.namedCredential-meta.xml`), 'utf8'))![1];
    expect([endpoint('Pay'), endpoint('Maps'), existsSync(join(built, `${D}/classes/Stripe.cls`))]).to.deep.equal(['https://pay.example.cn', 'https://maps.example.cn', false]);

    // The region as built: all of it explained, nothing to capture; check reads the same metadata.
    const diff = await runDiff({ from: 'dir:.', to: `dir:${built}`, cwd: global, region: 'china-sub' });
    expect(diff.changes.map((change) => change.classification)).to.deep.equal(['overlay', 'overlay', 'overlay']);
    const captured = await runOverlayCapture({ cwd: global, region: 'china-sub', from: 'dir:.', to: `dir:${built}`, dryRun: true });
    expect([captured.rules, captured.unexplained, captured.notPromoted]).to.deep.equal([[], [], []]);
    const check = await runCheck({ cwd: global, region: 'china-sub' });
    expect(check.summary.components).to.equal(2);
  });
});

describe('owns: components a region owns', () => {
  it('owns the children of a component it owns by key (the fields of CustomObject:CN_*), and nothing else', async () => {
    const { ownsMatcher } = await import('../../src/overlay/region-diff.js');
    const owned = ownsMatcher(['CustomObject:CN_*']);
    const change = (key: string, parent?: string): Parameters<typeof owned>[0] => ({ key, type: key.split(':')[0], fullName: key.split(':')[1], kind: 'added', elements: [], ...(parent ? { parent } : {}) });
    expect(owned(change('CustomObject:CN_Order__c'))).to.equal(true);
    expect(owned(change('CustomField:CN_Order__c.Amount__c', 'CustomObject:CN_Order__c'))).to.equal(true);
    expect(owned(change('CustomField:Account.CN_Region__c', 'CustomObject:Account'))).to.equal(false);
  });
});
