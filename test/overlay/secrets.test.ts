import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runCheck } from '../../src/checks/run-check.js';
import { runDiff } from '../../src/compare/run-diff.js';
import { runOverlayCapture } from '../../src/overlay/run.js';
import { renderHuman } from '../../src/report/human.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { overlaySecrets, redacted } from '../../src/overlay/secrets.js';
import type { Overlay } from '../../src/overlay/types.js';
import { writeFiles } from '../compare/support.js';

const SECRET = 'topsecretabc123';

const credential = (endpoint: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata">\n    <endpoint>${endpoint}</endpoint>\n    <label>Pay</label>\n    <principalType>Anonymous</principalType>\n    <protocol>NoAuthentication</protocol>\n</NamedCredential>\n`;

describe('secrets an overlay reads from the environment', function () {
  this.timeout(60_000);
  let work: string;
  let global: string;
  let china: string;
  const env = { ...process.env, CN_PAY_TOKEN: SECRET };
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'sf-federate-secrets-'));
    global = join(work, 'global');
    china = join(work, 'china');
    const project = JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0' });
    const path = 'force-app/main/default/namedCredentials/Pay.namedCredential-meta.xml';
    writeFiles(global, {
      'sfdx-project.json': project,
      'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china }\n',
      'overlays/china/overlay.yml': 'patches:\n  - component: NamedCredential:Pay\n    path: endpoint\n    set: https://${PAY_TOKEN}.pay.example.com/v1\nvalues:\n  PAY_TOKEN: { env: CN_PAY_TOKEN }\n',
      [path]: credential('https://pay.example.com'),
    });
    // China does not have the patched endpoint yet: the diff reports it (not promoted), with the overlay's text.
    writeFiles(china, { 'sfdx-project.json': project, [path]: credential('https://pay.example.com') });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('are never in diff --region results, human or markdown output: shown as the overlay writes them', async () => {
    const result = await runDiff({ from: 'dir:.', to: `dir:${china}`, region: 'china', cwd: global, env });
    const everything = [JSON.stringify(result), renderHuman(result, { color: false }), renderMarkdown(result)].join('\n');
    expect(result.changes.map((change) => change.classification)).to.deep.equal(['not-promoted']);
    expect(everything).to.not.contain(SECRET);
    expect(JSON.stringify(result.changes[0].elements)).to.contain('https://${PAY_TOKEN}.pay.example.com/v1');
  });

  it('are never in check findings of the overlaid metadata', async () => {
    const result = await runCheck({ cwd: global, region: 'china', env });
    // The patched endpoint's host (a tenant kept secret) is offshore: the finding names it as the overlay writes it.
    expect(result.findings.map((finding) => finding.message).join('\n')).to.contain('${PAY_TOKEN}.pay.example.com');
    expect(JSON.stringify(result)).to.not.contain(SECRET);
  });

  it('unset, leave what their rule sets out of drift and capture, and the region\'s secret out of every output', async () => {
    // The region holds what the rule makes, secret included; here the secret is not in the environment.
    const region = join(work, 'china-with-secret');
    cpSync(china, region, { recursive: true });
    writeFiles(region, { 'force-app/main/default/namedCredentials/Pay.namedCredential-meta.xml': credential(`https://${SECRET}.pay.example.com/v1`) });
    const unset = { ...process.env };
    delete unset.CN_PAY_TOKEN;
    const result = await runDiff({ from: 'dir:.', to: `dir:${region}`, region: 'china', cwd: global, env: unset });
    expect(result.changes.map((change) => change.classification)).to.deep.equal(['overlay']);
    expect([JSON.stringify(result), renderHuman(result, { color: false }), renderMarkdown(result)].join('\n')).to.not.contain(SECRET);

    const overlayFile = join(global, 'overlays/china/overlay.yml');
    const before = readFileSync(overlayFile, 'utf8');
    const captured = await runOverlayCapture({ cwd: global, region: 'china', from: 'dir:.', to: `dir:${region}`, env: unset });
    expect(readFileSync(overlayFile, 'utf8')).to.equal(before);
    expect(JSON.stringify(captured)).to.not.contain(SECRET);
    expect(captured.unexplained.join('\n')).to.contain('NamedCredential:Pay endpoint: set by the overlay as');

    // Set, with the region's host changed by hand: the rule, written with a value, is kept and the value named; a
    // label the region changed by hand to hold the secret is captured with the value's name, not the secret.
    const handChanged = credential(`https://${SECRET}.pay2.example.com/v1`).replace('<label>Pay</label>', `<label>Pay ${SECRET}</label>`);
    writeFiles(region, { 'force-app/main/default/namedCredentials/Pay.namedCredential-meta.xml': handChanged });
    const withSecret = await runOverlayCapture({ cwd: global, region: 'china', from: 'dir:.', to: `dir:${region}`, env });
    const written = readFileSync(overlayFile, 'utf8');
    expect(written).to.not.contain(SECRET);
    expect(written).to.contain('set: https://${PAY_TOKEN}.pay.example.com/v1').and.to.contain('set: Pay ${PAY_TOKEN}');
    expect(withSecret.unexplained.join('\n')).to.contain('change the value (values: of PAY_TOKEN)');
    expect(JSON.stringify(withSecret)).to.not.contain(SECRET);
    writeFileSync(overlayFile, before);
  });

  it('are replaced in every string of a result, the longest first; short values are left alone', () => {
    const overlay = { values: [{ name: 'A', stages: { prod: { env: 'X' } } }, { name: 'B', default: { env: 'Y' }, stages: {} }], replace: [{ replaceWithEnv: 'Z' }] } as unknown as Overlay;
    const secrets = overlaySecrets(overlay, { X: 'abcdef', Y: 'abcdefgh', Z: 'zzzz9', W: 'unrelated' });
    expect([...secrets]).to.deep.equal([['abcdef', '${A}'], ['abcdefgh', '${B}'], ['zzzz9', '$Z']]);
    expect(redacted({ a: ['x abcdefgh y', new Map([['k', 'zzzz9']])], n: 3 }, secrets)).to.deep.equal({ a: ['x ${B} y', new Map([['k', '$Z']])], n: 3 });
    expect(overlaySecrets(overlay, { X: 'abc' }).size).to.equal(0);
  });
});
