import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { compareSnapshots } from '../../src/compare/compare.js';
import { regionDiff } from '../../src/overlay/region-diff.js';
import { runOverlayApply, runOverlayCapture } from '../../src/overlay/run.js';
import { parseSourceSpec, readSource } from '../../src/metadata/sources/index.js';
import { loadFederateConfig } from '../../src/pipeline/config.js';
import { writeFiles } from '../compare/support.js';

const D = 'force-app/main/default';
const credential = (name: string, endpoint: string, label = name): Record<string, string> => ({
  [`${D}/namedCredentials/${name}.namedCredential-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?>\n<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata">\n    <endpoint>${endpoint}</endpoint>\n    <label>${label}</label>\n    <principalType>Anonymous</principalType>\n    <protocol>NoAuthentication</protocol>\n</NamedCredential>\n`,
});
const router = (returns: string): string => `public class Router {\n    public static String go() { return '${returns}'; }\n}\n`;
const classMeta = '<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">\n    <apiVersion>62.0</apiVersion>\n    <status>Active</status>\n</ApexClass>\n';
const OVERLAY = 'patches:\n  # CHG-1234: mainland payment gateway, ships with the next China release\n  - component: NamedCredential:Pay\n    path: endpoint\n    set: https://pay.example.cn\n';

describe('overlay capture on what real projects hold', function () {
  this.timeout(60_000);
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'sf-federate-capture-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('captures the drift only: a patch and a files/ override not promoted yet are left as written, and listed', async () => {
    const global = join(work, 'global');
    const china = join(work, 'china');
    const project = JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0' });
    writeFiles(global, {
      'sfdx-project.json': project,
      'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china }\n',
      'overlays/china/overlay.yml': OVERLAY,
      [`overlays/china/files/${D}/classes/Router.cls`]: router('china: WeCom routing'),
      ...credential('Pay', 'https://pay.example.com'),
      ...credential('Maps', 'https://maps.example.com'),
      [`${D}/classes/Router.cls`]: router('global'),
      [`${D}/classes/Router.cls-meta.xml`]: classMeta,
    });
    // China has neither the new gateway nor the new Router yet; its Maps endpoint and Pay label were changed by hand.
    writeFiles(china, {
      'sfdx-project.json': project,
      ...credential('Pay', 'https://pay.example.com', 'Pay (China)'),
      ...credential('Maps', 'https://maps.example.cn'),
      [`${D}/classes/Router.cls`]: router('global'),
      [`${D}/classes/Router.cls-meta.xml`]: classMeta,
    });

    const result = await runOverlayCapture({ cwd: global, region: 'china', from: 'dir:.', to: `dir:${china}` });
    const overlay = parse(readFileSync(join(global, 'overlays/china/overlay.yml'), 'utf8')) as { patches: Array<Record<string, string>> };
    expect(overlay.patches).to.deep.equal([
      { component: 'NamedCredential:Pay', path: 'endpoint', set: 'https://pay.example.cn' },
      { component: 'NamedCredential:Maps', path: 'endpoint', set: 'https://maps.example.cn', expect: 'https://maps.example.com' },
      { component: 'NamedCredential:Pay', path: 'label', set: 'Pay (China)', expect: 'Pay' },
    ]);
    expect(readFileSync(join(global, `overlays/china/files/${D}/classes/Router.cls`), 'utf8')).to.equal(router('china: WeCom routing'));
    expect(result.files).to.deep.equal([]);
    expect(result.unexplained).to.deep.equal([]);
    expect(result.notPromoted).to.deep.equal(['changed ApexClass:Router', 'changed NamedCredential:Pay (endpoint)']);
  });

  it('writes a value holding `${` as literal text, so that what it captured applies (and an undefined name fails everywhere)', async () => {
    const global = join(work, 'literal');
    const china = join(work, 'literal-china');
    const project = JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0' });
    const labels = (value: string): Record<string, string> => ({
      [`${D}/labels/CustomLabels.labels-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?>\n<CustomLabels xmlns="http://soap.sforce.com/2006/04/metadata">\n    <labels>\n        <fullName>Greeting</fullName>\n        <language>en_US</language>\n        <protected>false</protected>\n        <shortDescription>Greeting</shortDescription>\n        <value>${value}</value>\n    </labels>\n</CustomLabels>\n`,
    });
    writeFiles(global, { 'sfdx-project.json': project, 'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china }\n', 'overlays/china/overlay.yml': 'exclude: []\n', ...labels('Hello ${name}') });
    writeFiles(china, { 'sfdx-project.json': project, ...labels('你好 ${name}') });

    await runOverlayCapture({ cwd: global, region: 'china', from: 'dir:.', to: `dir:${china}` });
    expect(readFileSync(join(global, 'overlays/china/overlay.yml'), 'utf8')).to.contain('set: 你好 $${name}');
    const out = join(work, 'literal-out');
    await runOverlayApply({ cwd: global, region: 'china', outputDir: out });
    expect(readFileSync(join(out, `${D}/labels/CustomLabels.labels-meta.xml`), 'utf8')).to.contain('<value>你好 ${name}</value>');

    // The same text without the escape names a value the overlay does not define: diff --region fails as apply does.
    writeFileSync(join(global, 'overlays/china/overlay.yml'), 'patches:\n  - component: CustomLabels:CustomLabels\n    path: labels[fullName=Greeting]/value\n    set: 你好 ${name}\n');
    const config = (await loadFederateConfig(global))!;
    const options = { apiVersion: '62.0', projectDir: global };
    const [from, to] = await Promise.all([readSource(parseSourceSpec('dir:.'), options), readSource(parseSourceSpec(`dir:${china}`), options)]);
    let failure: Error | undefined;
    try {
      await regionDiff(from, to, { ...config.regions.china, name: 'china' }, { projectDir: global });
    } catch (error) {
      failure = error as Error;
    }
    expect(failure?.message).to.contain('value "name" is not defined');
  });

  it("addresses a flow action's input parameter by name, so that a parameter added before it later changes nothing", async () => {
    const global = join(work, 'flow');
    const china = join(work, 'flow-china');
    const project = JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0' });
    const parameter = (name: string, value: string): string => `        <inputParameters>\n            <name>${name}</name>\n            <value>\n                <stringValue>${value}</stringValue>\n            </value>\n        </inputParameters>\n`;
    const flow = (before: string, sender: string): Record<string, string> => ({
      [`${D}/flows/Mail.flow-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?>\n<Flow xmlns="http://soap.sforce.com/2006/04/metadata">\n    <actionCalls>\n        <name>Send_Mail</name>\n        <actionName>emailSimple</actionName>\n        <actionType>emailSimple</actionType>\n${before}${parameter('senderType', 'OrgWideEmailAddress')}${parameter('senderAddress', sender)}    </actionCalls>\n    <apiVersion>62.0</apiVersion>\n    <label>Mail</label>\n    <processType>AutoLaunchedFlow</processType>\n    <status>Active</status>\n</Flow>\n`,
    });
    writeFiles(global, { 'sfdx-project.json': project, 'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china }\n', 'overlays/china/overlay.yml': 'exclude: []\n', ...flow('', 'orders@acme.com') });
    writeFiles(china, { 'sfdx-project.json': project, ...flow('', 'orders@acme.cn') });
    await runOverlayCapture({ cwd: global, region: 'china', from: 'dir:.', to: `dir:${china}` });
    expect(readFileSync(join(global, 'overlays/china/overlay.yml'), 'utf8')).to.contain('path: actionCalls[name=Send_Mail]/inputParameters[name=senderAddress]/value/stringValue');

    // Global adds a parameter in front: the China sender still lands in senderAddress.
    writeFiles(global, flow(parameter('subject', 'Order'), 'orders@acme.com'));
    const out = join(work, 'flow-out');
    await runOverlayApply({ cwd: global, region: 'china', outputDir: out });
    const built = readFileSync(join(out, `${D}/flows/Mail.flow-meta.xml`), 'utf8');
    expect(built).to.contain(parameter('senderAddress', 'orders@acme.cn')).and.to.contain(parameter('senderType', 'OrgWideEmailAddress'));
  });

  it("rewrites a rule the region moved on from with the base's value as `expect`, not what the rule made", async () => {
    const global = join(work, 'moved-on');
    const china = join(work, 'moved-on-china');
    const project = JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0' });
    writeFiles(global, { 'sfdx-project.json': project, 'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china }\n', 'overlays/china/overlay.yml': OVERLAY, ...credential('Pay', 'https://pay.example.com') });
    writeFiles(china, { 'sfdx-project.json': project, ...credential('Pay', 'https://pay2.example.cn') });
    await runOverlayCapture({ cwd: global, region: 'china', from: 'dir:.', to: `dir:${china}` });
    const overlay = parse(readFileSync(join(global, 'overlays/china/overlay.yml'), 'utf8')) as { patches: Array<Record<string, string>> };
    expect(overlay.patches).to.deep.equal([{ component: 'NamedCredential:Pay', path: 'endpoint', set: 'https://pay2.example.cn', expect: 'https://pay.example.com' }]);
    const out = join(work, 'moved-on-out');
    const applied = await runOverlayApply({ cwd: global, region: 'china', outputDir: out });
    expect(applied.report.counts).to.include({ applied: 1, review: 0 });
  });

  it('writes a class only the region has into files/ of the package directory the region keeps it in, so that the build is the region', async () => {
    const global = join(work, 'packages');
    const china = join(work, 'packages-china');
    const project = JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }, { path: 'cc-base-app' }], sourceApiVersion: '62.0' });
    const apex = (dir: string, name: string): Record<string, string> => ({ [`${dir}/classes/${name}.cls`]: `public class ${name} {}\n`, [`${dir}/classes/${name}.cls-meta.xml`]: classMeta });
    const shared = { 'sfdx-project.json': project, ...apex(D, 'PagedResult'), ...apex('cc-base-app/main/default', 'WeatherService') };
    writeFiles(global, { ...shared, 'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china }\n', 'overlays/china/overlay.yml': '' });
    // The China-only class sits next to WeatherService, in the second package directory, not in force-app's classes.
    writeFiles(china, { ...shared, ...apex('cc-base-app/main/default', 'WeChatService') });

    const result = await runOverlayCapture({ cwd: global, region: 'china', from: 'dir:.', to: `dir:${china}` });
    expect(result.files).to.have.members(['cc-base-app/main/default/classes/WeChatService.cls', 'cc-base-app/main/default/classes/WeChatService.cls-meta.xml']);
    expect(result.unexplained).to.deep.equal([]);
    const out = join(work, 'packages-out');
    await runOverlayApply({ cwd: global, region: 'china', outputDir: out });
    const options = { apiVersion: '62.0', projectDir: global };
    const [built, region] = await Promise.all([readSource(parseSourceSpec(`dir:${out}`), options), readSource(parseSourceSpec(`dir:${china}`), options)]);
    expect((await compareSnapshots(built, region)).changes.map((change) => `${change.kind} ${change.key}`)).to.deep.equal([]);
    // Captured again: nothing left to capture.
    expect((await runOverlayCapture({ cwd: global, region: 'china', from: 'dir:.', to: `dir:${china}` })).files).to.deep.equal([]);
  });

  it('takes picklist values the region reordered, or added between others, as the region has them: no patch sets an order', async () => {
    const project = JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0' });
    const value = (name: string): string => `            <value>\n                <fullName>${name}</fullName>\n                <default>false</default>\n                <label>${name}</label>\n            </value>\n`;
    const picklist = (...names: string[]): Record<string, string> => ({
      [`${D}/objects/Product__c/fields/Category__c.field-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?>\n<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">\n    <fullName>Category__c</fullName>\n    <label>Category</label>\n    <type>Picklist</type>\n    <valueSet>\n        <restricted>true</restricted>\n        <valueSetDefinition>\n            <sorted>false</sorted>\n${names.map(value).join('')}        </valueSetDefinition>\n    </valueSet>\n</CustomField>\n`,
    });
    for (const [name, region] of [['reordered', picklist('Commuter', 'Mountain')], ['inserted', picklist('Mountain', 'Cargo', 'Commuter')]] as const) {
      const global = join(work, name);
      const china = join(work, `${name}-china`);
      writeFiles(global, { 'sfdx-project.json': project, 'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china }\n', 'overlays/china/overlay.yml': '', ...picklist('Mountain', 'Commuter') });
      writeFiles(china, { 'sfdx-project.json': project, ...region });
      // eslint-disable-next-line no-await-in-loop
      const result = await runOverlayCapture({ cwd: global, region: 'china', from: 'dir:.', to: `dir:${china}` });
      expect(result.unexplained, name).to.deep.equal([]);
      expect(result.notPromoted, name).to.deep.equal([]);
      const out = join(work, `${name}-out`);
      // eslint-disable-next-line no-await-in-loop
      await runOverlayApply({ cwd: global, region: 'china', outputDir: out });
      const options = { apiVersion: '62.0', projectDir: global };
      // eslint-disable-next-line no-await-in-loop
      const [built, side] = await Promise.all([readSource(parseSourceSpec(`dir:${out}`), options), readSource(parseSourceSpec(`dir:${china}`), options)]);
      // eslint-disable-next-line no-await-in-loop
      expect((await compareSnapshots(built, side)).changes.map((change) => `${change.kind} ${change.key}`), name).to.deep.equal([]);
    }
  });
});
