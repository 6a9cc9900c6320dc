import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadFederateConfig, requireRegion, type FederateConfig } from '../../src/pipeline/config.js';

const GOOD = `apiVersion: "62.0"
regions:
  global: {}
  china:
    base: global                 # China starts from the global metadata
    overlay: overlays/china
    checks:
      catalog: china
      rules: { CN-ID-01: off, CN-HOST-01: error }
      allowHosts: [pay.example.cn, "*.example.cn"]
      installedPackages: [acme]
      accept:
        - { rule: CN-CBDT-02, target: "NamedCredential:Payments", reason: mainland endpoint behind a proxy }
    owns: [force-app-china/**]
stages:
  dev:     { branch: develop,    org: global-dev,  region: global }
  prod:    { branch: main,       org: global-prod, region: global, from: dev, testLevel: RunLocalTests }
  cn-uat:  { branch: china/uat,  org: china-uat,   region: china,  from: prod, testLevel: RunSpecifiedTests, tests: [PayTest] }
`;

describe('federate.yml loader', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sf-federate-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const load = async (text: string): Promise<FederateConfig | undefined> => {
    writeFileSync(join(dir, 'federate.yml'), text);
    return loadFederateConfig(dir);
  };
  const failure = async (text: string): Promise<string> => {
    try {
      await load(text);
    } catch (error) {
      expect((error as { exitCode?: number }).exitCode).to.equal(2);
      return (error as Error).message;
    }
    throw new Error('expected the file to be refused');
  };

  it('returns undefined when the project has no federate.yml', async () => {
    expect(await loadFederateConfig(dir)).to.equal(undefined);
  });

  it('reads regions, checks settings, owns and stages', async () => {
    const config = (await load(GOOD))!;
    expect(config.apiVersion).to.equal('62.0');
    const china = requireRegion(config, 'china');
    expect(china).to.include({ name: 'china', base: 'global', overlay: 'overlays/china' });
    expect(china.owns).to.deep.equal(['force-app-china/**']);
    expect(china.checks).to.deep.equal({
      catalog: 'china',
      rules: { 'CN-ID-01': 'off', 'CN-HOST-01': 'error' },
      allowHosts: ['pay.example.cn', '*.example.cn'],
      installedPackages: ['acme'],
      accept: [{ rule: 'CN-CBDT-02', target: 'NamedCredential:Payments', reason: 'mainland endpoint behind a proxy' }],
    });
    expect(config.regions.global.owns).to.deep.equal([]);
    expect(config.stages['cn-uat']).to.deep.include({ from: 'prod', tests: ['PayTest'] });
    expect(config.lines.stages['cn-uat']).to.equal(18);
  });

  it('accepts a catalog name as the checks value', async () => {
    const config = (await load('regions:\n  global:\n  china: { base: global, checks: china }\n'))!;
    expect(config.regions.china.checks?.catalog).to.equal('china');
    expect(config.regions.china.checks?.rules).to.deep.equal({});
  });

  it('names the line of a YAML syntax error', async () => {
    const message = await failure('regions:\n  global: {}\n  china: [unclosed\n');
    expect(message).to.match(/federate\.yml:\d+: /);
  });

  it('names the line and key of an unknown key', async () => {
    const message = await failure('regions:\n  global: {}\n  china:\n    bse: global\n');
    expect(message).to.contain('federate.yml:4: regions.china: unknown key "bse"');
  });

  it('names the line of a bad severity', async () => {
    const message = await failure('regions:\n  china:\n    checks:\n      rules:\n        CN-ID-01: loud\n');
    expect(message).to.contain('federate.yml:5: regions.china.checks.rules.CN-ID-01: must be one of off, info, warn, error');
  });

  it('reports a missing required stage key at the stage', async () => {
    const message = await failure('regions: { global: {} }\nstages:\n  dev:\n    branch: develop\n    region: global\n');
    expect(message).to.contain('federate.yml:4: stages.dev: "org" is required');
  });

  it('refuses unknown regions and stages by reference, with lines', async () => {
    const message = await failure('regions:\n  global: {}\n  china: { base: glob }\nstages:\n  a: { branch: a, org: a, region: chna }\n  b: { branch: b, org: b, region: global, from: c }\n');
    expect(message).to.contain(':3: regions.china.base: unknown region "glob"');
    expect(message).to.contain(':5: stages.a.region: unknown region "chna"');
    expect(message).to.contain(':6: stages.b.from: unknown stage "c"');
  });

  it('refuses a promotion cycle', async () => {
    const message = await failure('regions: { global: {} }\nstages:\n  a: { branch: a, org: a, region: global, from: b }\n  b: { branch: b, org: b, region: global, from: a }\n');
    expect(message).to.contain('cycle a → b → a');
  });

  it('refuses RunSpecifiedTests without tests', async () => {
    const message = await failure('regions: { global: {} }\nstages:\n  a: { branch: a, org: a, region: global, testLevel: RunSpecifiedTests }\n');
    expect(message).to.contain(':3: stages.a: testLevel RunSpecifiedTests needs a non-empty "tests" list');
  });

  it('refuses an unknown region by name with the known ones', async () => {
    const config = (await load(GOOD))!;
    expect(() => requireRegion(config, 'japan')).to.throw(/no region "japan"/);
  });
});
