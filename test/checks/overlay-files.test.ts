import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { renderCheck } from '../../src/checks/render.js';
import { runCheck } from '../../src/checks/run-check.js';
import type { Finding } from '../../src/checks/types.js';
import { toAnnotations } from '../../src/report/annotations.js';
import { toSarif } from '../../src/report/sarif.js';
import { writeFiles } from '../compare/support.js';

const D = 'force-app/main/default';
const FILES = `overlays/china/files/${D}`;
const META = '<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">\n    <apiVersion>62.0</apiVersion>\n    <status>Active</status>\n</ApexClass>\n';
const PROJECT = JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0' });
/** The global source: one clean class. */
const PAY = { [`${D}/classes/Pay.cls`]: 'public class Pay { }\n', [`${D}/classes/Pay.cls-meta.xml`]: META };
/** An offshore hard-coded endpoint on line 4 (CN-CBDT-07), a global host on line 5 (CN-HOST-01, fixed by a replace rule). */
const CALLOUT = (name: string): string =>
  `public class ${name} {\n\n\n  static void go() { new HttpRequest().setEndpoint('https://api.stripe.com/v1'); }\n  static String help = 'https://login.salesforce.com/help';\n}\n`;

function byRule(findings: readonly Finding[], rule: string, component: string): Finding {
  const found = findings.find((finding) => finding.rule === rule && finding.component === component);
  expect(found, `${rule} on ${component} in ${JSON.stringify(findings, null, 1)}`).to.not.equal(undefined);
  return found!;
}

describe('check: findings in text the overlay files/ writes point at the file under files/', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sf-federate-overlay-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('points a China-only class and a class replaced whole at files/, line for line, in every format', async () => {
    writeFiles(dir, {
      'sfdx-project.json': PROJECT,
      ...PAY,
      'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china }\n',
      'overlays/china/overlay.yml': 'exclude: []\n',
      [`${FILES}/classes/Pay.cls`]: CALLOUT('Pay'),
      [`${FILES}/classes/WeChat.cls`]: CALLOUT('WeChat'),
      [`${FILES}/classes/WeChat.cls-meta.xml`]: META,
    });
    const result = await runCheck({ cwd: dir, region: 'china', env: {} });
    for (const name of ['WeChat', 'Pay']) {
      expect(byRule(result.findings, 'CN-CBDT-07', `ApexClass:${name}`)).to.include({ path: `${FILES}/classes/${name}.cls`, line: 4 });
      expect(byRule(result.findings, 'CN-HOST-01', `ApexClass:${name}`)).to.include({ path: `${FILES}/classes/${name}.cls`, line: 5 });
    }
    const sarif = toSarif(result, { toolVersion: '0.1.0' }).runs[0].results!.find((entry) => entry.ruleId === 'CN-CBDT-07' && entry.message.text!.includes('ApexClass:WeChat'))!;
    expect(sarif.locations![0].physicalLocation).to.deep.include({ artifactLocation: { uri: `${FILES}/classes/WeChat.cls`, uriBaseId: '%SRCROOT%' } });
    expect(sarif.locations![0].physicalLocation!.region!.startLine).to.equal(4);
    expect(toAnnotations(result.findings).join('\n')).to.include(`file=${FILES}/classes/Pay.cls,line=4,`);
    expect(renderCheck(result)).to.include(`${FILES}/classes/WeChat.cls:4:`);
  });

  it('says to edit the files/ file instead of printing an overlay.yml rule for the source path', async () => {
    writeFiles(dir, {
      'sfdx-project.json': PROJECT,
      ...PAY,
      'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china }\n',
      'overlays/china/overlay.yml': 'exclude: []\n',
      [`${FILES}/classes/WeChat.cls`]: CALLOUT('WeChat'),
      [`${FILES}/classes/WeChat.cls-meta.xml`]: META,
    });
    const result = await runCheck({ cwd: dir, region: 'china', env: {} });
    const host = byRule(result.findings, 'CN-HOST-01', 'ApexClass:WeChat');
    expect(host.fix?.snippet).to.equal(undefined);
    expect(host.fix?.text).to.include('login.sfcrmproducts.cn').and.to.include(`change (or delete) ${FILES}/classes/WeChat.cls itself rather than adding a rule to overlays/china/overlay.yml`);
    expect(renderCheck(result)).to.not.include('Paste into');
  });

  it('follows a replace rule over a files/ file to the line of files/, and keeps the fix of a line an overlay.yml rule writes', async () => {
    const credential = (endpoint: string): string =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata">\n    <endpoint>${endpoint}</endpoint>\n    <label>Pay</label>\n    <principalType>Anonymous</principalType>\n    <protocol>NoAuthentication</protocol>\n</NamedCredential>\n`;
    writeFiles(dir, {
      'sfdx-project.json': PROJECT,
      ...PAY,
      'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china }\n',
      'overlays/china/overlay.yml':
        `replace:\n  - filename: ${D}/classes/WeChat.cls\n    stringToReplace: "\\n\\n\\n"\n    replaceWith: "\\n"\n` +
        'patches:\n  - component: NamedCredential:Pay\n    path: endpoint\n    set: https://pay.example.com\n',
      [`${FILES}/classes/WeChat.cls`]: CALLOUT('WeChat'),
      [`${FILES}/classes/WeChat.cls-meta.xml`]: META,
      [`${FILES}/namedCredentials/Pay.namedCredential-meta.xml`]: credential('https://pay.example.cn'),
    });
    const result = await runCheck({ cwd: dir, region: 'china', env: {} });
    // The replace rule takes two empty lines out: the endpoint is on line 2 of the checked text, line 4 of files/.
    expect(byRule(result.findings, 'CN-CBDT-07', 'ApexClass:WeChat')).to.include({ path: `${FILES}/classes/WeChat.cls`, line: 4 });
    const patched = byRule(result.findings, 'CN-CBDT-02', 'NamedCredential:Pay');
    expect(patched.path).to.equal(`${FILES}/namedCredentials/Pay.namedCredential-meta.xml`);
    expect(patched.line).to.equal(undefined);
    expect(patched.message).to.match(/\(on a line the overlay writes\)$/);
    expect(patched.fix?.snippetFile).to.equal('overlays/china/overlay.yml');
  });

  it("points at a base region's overlay files/ and keeps the region's own overlay.yml fix", async () => {
    writeFiles(dir, {
      'sfdx-project.json': PROJECT,
      ...PAY,
      'federate.yml': 'regions:\n  global: { overlay: overlays/global }\n  china: { base: global, overlay: overlays/china }\n',
      'overlays/global/overlay.yml': 'exclude: []\n',
      'overlays/china/overlay.yml': 'exclude: []\n',
      [`overlays/global/files/${D}/classes/Help.cls`]: CALLOUT('Help'),
      [`overlays/global/files/${D}/classes/Help.cls-meta.xml`]: META,
    });
    const result = await runCheck({ cwd: dir, region: 'china', env: {} });
    const host = byRule(result.findings, 'CN-HOST-01', 'ApexClass:Help');
    expect(host).to.include({ path: `overlays/global/files/${D}/classes/Help.cls`, line: 5 });
    // The global overlay's file is what the global org gets too: China changes it with a rule of its own overlay.
    expect(host.fix?.snippetFile).to.equal('overlays/china/overlay.yml');
    expect(host.fix?.snippet).to.include(`filename: ${D}/classes/Help.cls`);
  });

  it('points at files/ when the source is the package directory (dir:force-app)', async () => {
    writeFiles(dir, {
      'sfdx-project.json': PROJECT,
      ...PAY,
      'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china }\n',
      'overlays/china/overlay.yml': 'exclude: []\n',
      [`${FILES}/classes/Pay.cls`]: CALLOUT('Pay'),
    });
    const result = await runCheck({ cwd: dir, region: 'china', source: 'dir:force-app', env: {} });
    expect(byRule(result.findings, 'CN-CBDT-07', 'ApexClass:Pay')).to.include({ path: `${FILES}/classes/Pay.cls`, line: 4 });
  });

  it("checks only the files/ inside a source folder (dir:pkg2): not other package directories', each at its own path", async () => {
    const P = 'pkg2/main/default';
    writeFiles(dir, {
      'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }, { path: 'pkg2' }], sourceApiVersion: '62.0' }),
      ...PAY,
      [`${P}/classes/B.cls`]: CALLOUT('B'),
      [`${P}/classes/B.cls-meta.xml`]: META,
      'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china }\n',
      'overlays/china/overlay.yml': 'exclude: []\n',
      [`${FILES}/classes/CnA.cls`]: CALLOUT('CnA'),
      [`${FILES}/classes/CnA.cls-meta.xml`]: META,
      [`overlays/china/files/${P}/classes/CnB.cls`]: CALLOUT('CnB'),
      [`overlays/china/files/${P}/classes/CnB.cls-meta.xml`]: META,
    });
    const result = await runCheck({ cwd: dir, region: 'china', source: 'dir:pkg2', env: {} });
    expect(result.findings.filter((finding) => finding.rule === 'CN-HOST-01').map((finding) => [finding.component, finding.path, finding.line])).to.deep.equal([
      ['ApexClass:CnB', `overlays/china/files/${P}/classes/CnB.cls`, 5],
      ['ApexClass:B', `${P}/classes/B.cls`, 5],
    ]);
    expect(result.summary.components).to.equal(2);
  });
});
