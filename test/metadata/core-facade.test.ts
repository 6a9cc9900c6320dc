import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { TempDirs, TestRepo, apexClass } from '../git/repo-helper.js';

/** Runs an ES module script in a fresh Node (the index of @salesforce/core not loaded yet); its last line, parsed. */
function runFresh(lines: string[]): Record<string, unknown> {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', lines.join('\n')], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
  expect(result.status, result.stderr).to.equal(0);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

const LOADED = [
  "import { createRequire } from 'node:module';",
  'const require = createRequire(import.meta.url);',
  'const loaded = (name) => Object.keys(require.cache).includes(require.resolve(name));',
];

describe("@salesforce/core's index kept out of a git delta (core-facade.ts)", () => {
  const temp = new TempDirs();
  after(() => temp.removeAll());

  it('reads, compares and writes a delta between two refs without loading it, nor jsforce, nor SfProject', () => {
    const repo = new TestRepo();
    temp.keep(repo.dir);
    const project = { packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0', sourceBehaviorOptions: ['decomposePermissionSetBeta2'] };
    repo.commit({ 'sfdx-project.json': JSON.stringify(project), ...apexClass('A') });
    repo.commit(apexClass('A', 'public class A { Integer x; }'));
    const out = temp.make('sf-federate-core-facade-');
    const result = runFresh([
      ...LOADED,
      "const { compareAndWrite } = await import('./src/compare/compare-and-write.ts');",
      "const { readSourcePair } = await import('./src/metadata/git/pair.ts');",
      "const { registryFor } = await import('./src/metadata/registry.ts');",
      `const repo = ${JSON.stringify(repo.dir)};`,
      'const registry = registryFor(repo);',
      "const [a, b] = await readSourcePair({ kind: 'git', value: 'HEAD~1', guessed: false }, { kind: 'git', value: 'HEAD', guessed: false }, { apiVersion: '62.0', projectDir: repo });",
      `const { changeset } = await compareAndWrite(a, b, { registry, apiVersion: '62.0', outputDir: ${JSON.stringify(out)}, copySources: true });`,
      "const jsforce = Object.keys(require.cache).some((path) => path.includes('jsforce'));",
      "console.log(JSON.stringify({ changes: changeset.changes.map((c) => c.key), index: loaded('@salesforce/core'), sfProject: loaded('@salesforce/core/project'), jsforce, preset: registry.getTypeByName('PermissionSet').strategies?.adapter ?? null }));",
    ]);
    // The project's registry (its preset) read without SfProject either: registry-variants.ts.
    expect(result).to.deep.equal({ changes: ['ApexClass:A'], index: false, sfProject: false, jsforce: false, preset: 'decomposed' });
  });

  it('gives SDR the very classes the index exports, and the real index to whoever asks after', () => {
    const result = runFresh([
      ...LOADED,
      "const { whileLoadingSdr } = await import('./src/metadata/core-facade.ts');",
      "const seen = whileLoadingSdr(() => require('@salesforce/core'));",
      'const light = { Messages: seen.Messages, Lifecycle: seen.Lifecycle, SfError: seen.SfError, Logger: seen.Logger };',
      "const indexBefore = loaded('@salesforce/core');",
      "const real = require('@salesforce/core');",
      'console.log(JSON.stringify({',
      '  indexBefore,',
      '  same: Object.entries(light).every(([name, value]) => typeof value === "function" && value === real[name]),',
      '  realAfter: real !== seen && typeof real.AuthInfo === "function",',
      '}));',
    ]);
    expect(result).to.deep.equal({ indexBefore: false, same: true, realAfter: true });
  });

  it('answers a member SDR reads rarely (AuthInfo) from the real index', () => {
    const result = runFresh([
      ...LOADED,
      "const { whileLoadingSdr } = await import('./src/metadata/core-facade.ts');",
      "const authInfo = whileLoadingSdr(() => require('@salesforce/core').AuthInfo);",
      "console.log(JSON.stringify({ same: authInfo === require('@salesforce/core').AuthInfo, index: loaded('@salesforce/core') }));",
    ]);
    expect(result).to.deep.equal({ same: true, index: true });
  });
});
