import { spawnSync } from 'node:child_process';
import * as index from '@salesforce/source-deploy-retrieve';
import { expect } from 'chai';
import * as parts from '../../src/metadata/sdr.js';

describe('SDR parts (sdr.ts)', () => {
  // If this fails after an SDR upgrade, SDR moved the modules sdr.ts loads: everything still works through the
  // index, slower to start. Point sdr.ts at the new places.
  it("loads the parts from their own modules, not through SDR's index", () => {
    expect(parts.sdrPartsFromOwnModules).to.equal(true);
  });

  it('gives the very classes the index exports, so that instanceof and SDR internals agree', () => {
    expect(parts.RegistryAccess).to.equal(index.RegistryAccess);
    expect(parts.MetadataResolver).to.equal(index.MetadataResolver);
    expect(parts.ForceIgnore).to.equal(index.ForceIgnore);
    expect(parts.TreeContainer).to.equal(index.TreeContainer);
    expect(parts.NodeFSTreeContainer).to.equal(index.NodeFSTreeContainer);
    expect(parts.VirtualTreeContainer).to.equal(index.VirtualTreeContainer);
  });

  it("reads and compares git refs without loading SDR's index (converters, client, ComponentSet)", () => {
    // What a git delta loads (the bench child's modules); a static import of the index anywhere on this path would
    // bring back its start-up cost.
    const script = [
      "import { createRequire } from 'node:module';",
      "await import('./src/compare/compare-and-write.ts');",
      "await import('./src/metadata/git/pair.ts');",
      "await import('./src/metadata/project.ts');",
      "const index = createRequire(import.meta.url).resolve('@salesforce/source-deploy-retrieve');",
      "const parts = createRequire(import.meta.url).resolve('@salesforce/source-deploy-retrieve/lib/src/registry/registryAccess.js');",
      'const loaded = Object.keys(createRequire(import.meta.url).cache);',
      'console.log(JSON.stringify({ index: loaded.includes(index), parts: loaded.includes(parts) }));',
    ].join('\n');
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
    expect(result.status, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout.trim().split('\n').pop()!)).to.deep.equal({ index: false, parts: true });
  });
});
