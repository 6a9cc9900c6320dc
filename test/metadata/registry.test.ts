import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryAccess } from '@salesforce/source-deploy-retrieve';
import { expect } from 'chai';
import { ExitCode } from '../../src/exit-codes.js';
import { registryFor, registryForSettings } from '../../src/metadata/registry.js';

/*
 * registry.ts builds a project's registry from the settings it reads itself (registry-variants.ts): it must be the
 * registry SDR builds from the same sfdx-project.json.
 */
const SETTINGS: Record<string, Record<string, unknown>> = {
  none: {},
  'sourceBehaviorOptions': { sourceBehaviorOptions: ['decomposePermissionSetBeta2', 'decomposeWorkflowBeta', 'decomposeCustomLabelsBeta2'] },
  'registryPresets (the older key)': { registryPresets: ['decomposeSharingRulesBeta'] },
  'both keys, one preset twice': { registryPresets: ['decomposeExternalServiceRegistrationBeta'], sourceBehaviorOptions: ['decomposeExternalServiceRegistrationBeta', 'decomposePermissionSetBeta'] },
  registryCustomizations: {
    registryCustomizations: {
      types: { mytype: { id: 'mytype', name: 'MyType', suffix: 'mything', directoryName: 'myThings', inFolder: false, strictDirectoryName: false } },
      suffixes: { mything: 'mytype' },
      childTypes: {},
      strictDirectoryNames: {},
    },
    sourceBehaviorOptions: ['decomposeSharingRulesBeta'],
  },
};

describe('registry.ts: a project’s registry', () => {
  let root: string;
  before(() => (root = mkdtempSync(join(tmpdir(), 'sf-federate-registry-'))));
  after(() => rmSync(root, { recursive: true, force: true }));

  const project = (name: string, settings: Record<string, unknown>): string => {
    const dir = join(root, name.replace(/\W+/g, '-'));
    mkdirSync(join(dir, 'force-app', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], ...settings }));
    return dir;
  };

  for (const [name, settings] of Object.entries(SETTINGS)) {
    it(`is SDR's own for ${name}, read from a folder or from a ref's settings`, () => {
      const dir = project(name, settings);
      const sdr = new RegistryAccess(undefined, dir).getRegistry();
      expect(registryFor(dir).getRegistry()).to.deep.equal(sdr);
      // From a folder inside the project, as SDR finds it.
      expect(registryFor(join(dir, 'force-app', 'sub')).getRegistry()).to.deep.equal(sdr);
      const texts = Object.fromEntries(Object.entries(settings).map(([key, value]) => [key, JSON.stringify(value)]));
      expect(registryForSettings(texts).getRegistry()).to.deep.equal(sdr);
    });
  }

  it('is SDR’s own registry for a project without settings, wherever the command runs', () => {
    const plain = project('plain', {});
    const elsewhere = project('elsewhere with presets', { sourceBehaviorOptions: ['decomposeCustomLabelsBeta2'] });
    // In a fresh process (registries are kept per settings), from inside another project.
    const script = [
      `const { registryFor } = await import(${JSON.stringify(join(process.cwd(), 'src/metadata/registry.ts'))});`,
      'const transformer = (registry) => registry.getTypeByName(\'CustomLabels\').strategies?.transformer ?? null;',
      `console.log(JSON.stringify([transformer(registryFor(${JSON.stringify(plain)})), transformer(registryFor())]));`,
    ].join('\n');
    const result = spawnSync(process.execPath, ['--import', createRequire(import.meta.url).resolve('tsx'), '--input-type=module', '-e', script], { cwd: elsewhere, encoding: 'utf8', timeout: 60_000 });
    expect(result.status, result.stderr).to.equal(0);
    // The named project's own registry; with none named, the current folder's project, as SDR does.
    expect(JSON.parse(result.stdout.trim().split('\n').pop()!)).to.deep.equal(['nonDecomposed', 'decomposedLabels']);
  });

  it('refuses a source behavior option SDR does not know, naming it and the ones it knows', () => {
    const dir = project('unknown preset', { sourceBehaviorOptions: ['decomposeEverythingBeta'] });
    let error: (Error & { exitCode?: number; actions?: string[] }) | undefined;
    try {
      registryFor(dir);
    } catch (caught) {
      error = caught as typeof error;
    }
    expect(error?.message).to.contain('"decomposeEverythingBeta"').and.contain(dir);
    expect(error?.exitCode).to.equal(ExitCode.BadInput);
    expect(error?.actions?.join('\n')).to.contain('decomposePermissionSetBeta2');
  });

  it('refuses source behavior options that are not a list of names, as SDR does, instead of reading without them', () => {
    const refusal = (settings: Record<string, unknown>): { message?: string; exitCode?: number } => {
      try {
        registryFor(project(JSON.stringify(settings), settings));
      } catch (caught) {
        return caught as { message?: string; exitCode?: number };
      }
      return {};
    };
    const text = refusal({ sourceBehaviorOptions: 'decomposeWorkflowBeta' });
    expect(text.message).to.contain('sourceBehaviorOptions is "decomposeWorkflowBeta", not a list');
    expect(text.exitCode).to.equal(ExitCode.BadInput);
    const number = refusal({ registryPresets: ['decomposeWorkflowBeta', 7] });
    expect(number.message).to.contain('source behavior option 7,');
    expect(number.exitCode).to.equal(ExitCode.BadInput);
    // SDR's own refusal (a customized folder outside the project) is bad input too, with SDR's reason.
    const type = { id: 'mytype', name: 'MyType', suffix: 'mything', directoryName: '../outside', inFolder: false, strictDirectoryName: false };
    const escaping = refusal({ registryCustomizations: { types: { mytype: type }, suffixes: { mything: 'mytype' }, childTypes: {}, strictDirectoryNames: {} } });
    expect(escaping.message).to.contain("'../outside'");
    expect(escaping.exitCode).to.equal(ExitCode.BadInput);
  });
});
