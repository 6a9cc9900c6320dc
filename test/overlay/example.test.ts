import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { countClassifications, regionDiff } from '../../src/overlay/region-diff.js';
import { runCheck } from '../../src/checks/run-check.js';
import { runOverlayApply, runOverlayCapture } from '../../src/overlay/run.js';
import { schemaValidator } from '../../src/pipeline/yaml-file.js';
import { loadFederateConfig } from '../../src/pipeline/config.js';
import { parseSourceSpec, readSource } from '../../src/metadata/sources/index.js';

const EXAMPLES = resolve('examples');

describe('the embedded example and its China overlay', () => {
  let work: string;
  let project: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'sf-federate-example-'));
    cpSync(EXAMPLES, join(work, 'examples'), { recursive: true });
    project = join(work, 'examples', 'global');
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('the overlay JSON Schema validates the example overlay', () => {
    const validate = schemaValidator('overlay.schema.json');
    const ok = validate(parse(readFileSync(join(EXAMPLES, 'global/overlays/china/overlay.yml'), 'utf8')));
    expect(validate.errors ?? []).to.deep.equal([]);
    expect(ok).to.equal(true);
  });

  it('the federate.yml JSON Schema validates the example configuration', async () => {
    const config = await loadFederateConfig(join(EXAMPLES, 'global'));
    expect(config?.regions.china.overlay).to.equal('overlays/china');
  });

  it('region diff: the overlay explains all but the two deliberate PIPL drift items', async () => {
    const options = { apiVersion: '62.0', projectDir: project };
    const from = await readSource(parseSourceSpec('dir:.'), options);
    const to = await readSource(parseSourceSpec(`dir:${join(work, 'examples', 'china')}`), options);
    const config = (await loadFederateConfig(project))!;
    const changeset = await regionDiff(from, to, { ...config.regions.china, name: 'china' }, { projectDir: project });
    const drift = changeset.changes.filter((change) => change.classification === 'drift').map((change) => change.key);
    expect(drift).to.deep.equal(['CustomField:Account.Marketing_Consent__c', 'Profile:Sales User']);
    const counts = countClassifications(changeset);
    expect(counts.drift).to.equal(2);
    expect(counts.overlay).to.be.greaterThan(15);
  });

  it('apply writes a deployable China tree for a stage, and leaves the source alone', async () => {
    const before = readFileSync(join(project, 'force-app/main/default/namedCredentials/Payments.namedCredential-meta.xml'), 'utf8');
    const result = await runOverlayApply({ cwd: project, region: 'china', stage: 'cn-uat', outputDir: join(work, 'build', 'china') });
    const out = join(work, 'build', 'china');
    expect(readFileSync(join(out, 'force-app/main/default/namedCredentials/Payments.namedCredential-meta.xml'), 'utf8')).to.contain('https://payments-uat.example.cn');
    expect(existsSync(join(out, 'force-app/main/default/classes/StripeRefundClient.cls'))).to.equal(false);
    expect(existsSync(join(out, 'force-app/main/default/classes/WeChatService.cls'))).to.equal(true);
    expect((JSON.parse(readFileSync(join(out, 'sfdx-project.json'), 'utf8')) as { packageDirectories: Array<{ path: string }> }).packageDirectories[0].path).to.equal('force-app');
    expect(result.report.counts.stale).to.equal(0);
    expect(readFileSync(join(project, 'force-app/main/default/namedCredentials/Payments.namedCredential-meta.xml'), 'utf8')).to.equal(before);
  });

  it("apply keeps the project's sfdx-project.json: its default package directory, aliases and settings", async () => {
    const copy = mkdtempSync(join(tmpdir(), 'sf-federate-example-project-'));
    try {
      cpSync(join(EXAMPLES, 'global'), copy, { recursive: true });
      const json = JSON.parse(readFileSync(join(copy, 'sfdx-project.json'), 'utf8')) as Record<string, unknown>;
      json.packageDirectories = [
        { path: './force-app', default: false, package: 'Core' },
        { path: 'extras', default: true, package: 'Extras', versionNumber: '1.0.0.NEXT' },
      ];
      json.packageAliases = { Core: '0Ho000000000001AAA', Extras: '0Ho000000000002AAA' };
      writeFileSync(join(copy, 'sfdx-project.json'), JSON.stringify(json, null, 4));
      cpSync(join(copy, 'force-app/main/default/classes/OrderRequestTriggerHandler.cls-meta.xml'), join(copy, 'extras/main/default/classes/Extra.cls-meta.xml'), { recursive: true });
      writeFileSync(join(copy, 'extras/main/default/classes/Extra.cls'), 'public class Extra {}\n');
      const out = join(copy, 'build');
      await runOverlayApply({ cwd: copy, region: 'china', outputDir: out });
      const written = JSON.parse(readFileSync(join(out, 'sfdx-project.json'), 'utf8')) as typeof json;
      expect(written.packageDirectories).to.deep.equal(json.packageDirectories);
      expect(written.packageAliases).to.deep.equal(json.packageAliases);
      expect(written.sourceApiVersion).to.equal(json.sourceApiVersion);
      expect(existsSync(join(out, 'extras/main/default/classes/Extra.cls'))).to.equal(true);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('apply leaves out of sfdx-project.json a package directory the overlay emptied, so that the build reads', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'sf-federate-example-emptied-'));
    try {
      cpSync(join(EXAMPLES, 'global'), copy, { recursive: true });
      const json = JSON.parse(readFileSync(join(copy, 'sfdx-project.json'), 'utf8')) as Record<string, unknown>;
      json.packageDirectories = [{ path: 'force-app', default: true }, { path: 'global-only' }];
      writeFileSync(join(copy, 'sfdx-project.json'), JSON.stringify(json, null, 4));
      cpSync(join(copy, 'force-app/main/default/classes/OrderRequestTriggerHandler.cls-meta.xml'), join(copy, 'global-only/classes/Stripe.cls-meta.xml'), { recursive: true });
      writeFileSync(join(copy, 'global-only/classes/Stripe.cls'), 'public class Stripe {}\n');
      const overlayFile = join(copy, 'overlays/china/overlay.yml');
      writeFileSync(overlayFile, readFileSync(overlayFile, 'utf8').replace(/^exclude:\n/m, 'exclude:\n  - component: ApexClass:Stripe\n'));
      const out = join(copy, 'build');
      await runOverlayApply({ cwd: copy, region: 'china', outputDir: out });
      const written = JSON.parse(readFileSync(join(out, 'sfdx-project.json'), 'utf8')) as { packageDirectories: Array<{ path: string }> };
      expect(written.packageDirectories.map((entry) => entry.path)).to.deep.equal(['force-app']);
      expect(existsSync(join(out, 'global-only'))).to.equal(false);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('apply, capture and check refuse an overlay naming a stage federate.yml does not define, with its line', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'sf-federate-example-stage-'));
    try {
      cpSync(join(EXAMPLES, 'global'), copy, { recursive: true });
      const overlayFile = join(copy, 'overlays/china/overlay.yml');
      const text = readFileSync(overlayFile, 'utf8');
      writeFileSync(overlayFile, text.replace('      cn-uat: payments-uat.example.cn', '      cn-uta: payments-uat.example.cn'));
      const line = text.split('\n').findIndex((each) => each.startsWith('  PAY_HOST:')) + 1;
      const failures = await Promise.all([
        runOverlayApply({ cwd: copy, region: 'china', stage: 'cn-uat', outputDir: join(copy, 'build') }).then(() => undefined, (error: Error) => error),
        runOverlayCapture({ cwd: copy, region: 'china', from: 'dir:.', to: `dir:${join(work, 'examples', 'china')}`, dryRun: true }).then(() => undefined, (error: Error) => error),
        runCheck({ cwd: copy, region: 'china' }).then(() => undefined, (error: Error) => error),
      ]);
      for (const failure of failures) {
        expect(failure?.name).to.equal('UnknownOverlayStageError');
        expect(failure?.message).to.contain('"cn-uta"').and.to.contain(`overlay.yml:${line}`);
      }
      expect(existsSync(join(copy, 'build'))).to.equal(false);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('apply writes nothing when a rule fails', async () => {
    const overlayFile = join(project, 'overlays/china/overlay.yml');
    const original = readFileSync(overlayFile, 'utf8');
    writeFileSync(overlayFile, `${original}\n  # broken on purpose\n`.replace('patches:\n', 'patches:\n  - component: NamedCredential:Payments\n    path: nope/deeper\n    set: x\n'));
    try {
      const out = join(work, 'build', 'broken');
      let message = '';
      await runOverlayApply({ cwd: project, region: 'china', outputDir: out }).catch((error: Error) => (message = error.message));
      expect(message).to.contain('there is no nope');
      expect(existsSync(out)).to.equal(false);
    } finally {
      writeFileSync(overlayFile, original);
    }
  });

  it('apply refuses a stage of another region', async () => {
    let message = '';
    await runOverlayApply({ cwd: project, region: 'china', stage: 'prod', outputDir: join(work, 'build', 'x') }).catch((error: Error) => (message = error.message));
    expect(message).to.contain('belongs to region "global"');
  });

  it('capture turns the drift into patches, keeps the comments, and then nothing is left', async () => {
    const overlayFile = join(project, 'overlays/china/overlay.yml');
    const dry = await runOverlayCapture({ cwd: project, region: 'china', from: 'dir:.', to: `dir:${join(work, 'examples', 'china')}`, dryRun: true });
    expect(dry.rules.map((rule) => rule.description)).to.deep.equal([
      'CustomObject:Account: set fields[fullName=Marketing_Consent__c]/label = "Separate Marketing Consent (PIPL)"',
      'Profile:Sales User: set fieldPermissions[field=Account.Marketing_Consent__c]/editable = "false"',
    ]);
    const original = readFileSync(overlayFile, 'utf8');
    const result = await runOverlayCapture({ cwd: project, region: 'china', from: 'dir:.', to: `dir:${join(work, 'examples', 'china')}` });
    expect(result.unexplained).to.deep.equal([]);
    const updated = readFileSync(overlayFile, 'utf8');
    expect(updated.startsWith(original.split('\nvalues:')[0].split('\nreplace:')[0].slice(0, 400))).to.equal(true);
    expect(updated).to.contain('# Payments stay in the mainland');
    expect(updated).to.contain('expect: Marketing Consent');
    const again = await runOverlayCapture({ cwd: project, region: 'china', from: 'dir:.', to: `dir:${join(work, 'examples', 'china')}`, dryRun: true });
    expect(again.rules).to.deep.equal([]);
  });
});

describe('overlay capture into a flow-style overlay.yml', () => {
  it('writes the captured rules as block items under `exclude: []` and `patches: []`, with their comment before them', async () => {
    const work = mkdtempSync(join(tmpdir(), 'sf-federate-flow-'));
    try {
      cpSync(join(EXAMPLES, 'global'), join(work, 'global'), { recursive: true });
      const overlayFile = join(work, 'global/overlays/china/overlay.yml');
      writeFileSync(overlayFile, 'exclude: []\npatches: []\n');
      await runOverlayCapture({ cwd: join(work, 'global'), region: 'china', from: 'dir:.', to: `dir:${join(EXAMPLES, 'china')}` });
      const text = readFileSync(overlayFile, 'utf8');
      expect(text).to.match(/^exclude:\n {2}# captured from dir:.*\n {2}- /m);
      expect(text).to.match(/^patches:\n {2}- /m);
      expect(text).to.not.contain('[]');
      expect((parse(text) as { patches: unknown[] }).patches.length).to.be.greaterThan(0);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('overlay apply --json result', () => {
  it('matches schemas/overlay-apply-result.schema.json', async () => {
    const work = mkdtempSync(join(tmpdir(), 'sf-federate-result-'));
    try {
      cpSync(join(EXAMPLES, 'global'), join(work, 'global'), { recursive: true });
      const result = await runOverlayApply({ cwd: join(work, 'global'), region: 'china', stage: 'cn-prod', outputDir: join(work, 'out') });
      const validate = schemaValidator('overlay-apply-result.schema.json');
      const ok = validate(JSON.parse(JSON.stringify(result)));
      expect(validate.errors ?? []).to.deep.equal([]);
      expect(ok).to.equal(true);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('overlay capture --json result', () => {
  it('matches schemas/overlay-capture-result.schema.json, and the schema rejects a wrong rule kind', async () => {
    const work = mkdtempSync(join(tmpdir(), 'sf-federate-capture-result-'));
    try {
      cpSync(EXAMPLES, join(work, 'examples'), { recursive: true });
      const project = join(work, 'examples', 'global');
      const result = await runOverlayCapture({ cwd: project, region: 'china', from: 'dir:.', to: `dir:${join(work, 'examples', 'china')}`, dryRun: true });
      const plain = JSON.parse(JSON.stringify(result)) as { rules: Array<{ kind: string }> };
      expect(plain.rules.length).to.be.greaterThan(0);
      const validate = schemaValidator('overlay-capture-result.schema.json');
      const ok = validate(plain);
      expect(validate.errors ?? []).to.deep.equal([]);
      expect(ok).to.equal(true);
      plain.rules[0].kind = 'rename';
      expect(validate(plain)).to.equal(false);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
