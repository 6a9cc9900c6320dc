import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'chai';
import { runDiff } from '../../src/compare/run-diff.js';
import type { DiffResult } from '../../src/compare/result.js';
import { isolateHome, loginInProcess, type IsolatedHome } from '../emulator/login.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { removeDir } from './support.js';

const EXAMPLES = resolve(import.meta.dirname, '..', '..', 'examples');
const changeList = (result: DiffResult): string[] => result.changes.map((change) => `${change.kind} ${change.key}`).sort();

// The walkthrough of README ("No org at hand?") and docs/orgs.md: emulated orgs started from the two example projects.
describe('the example projects as emulated orgs', function () {
  this.timeout(120_000);
  let home: IsolatedHome;
  let orgs: Emulator[] = [];
  let outside: string;

  before(async () => {
    home = await isolateHome();
    orgs = await Promise.all([
      startEmulator({ sourceDir: join(EXAMPLES, 'global'), instance: 'global' }),
      startEmulator({ sourceDir: join(EXAMPLES, 'china'), instance: 'china' }),
    ]);
    await loginInProcess(orgs[0], 'global-emu');
    await loginInProcess(orgs[1], 'china-emu');
    outside = mkdtempSync(join(tmpdir(), 'sf-federate-example-orgs-'));
  });
  after(async () => {
    await Promise.all(orgs.map((org) => org.stop()));
    removeDir(outside);
    await home?.restore();
  });

  it('differ as the example folders do (the China overlay files are not in the global org)', async () => {
    const folders = await runDiff({ from: `dir:${join(EXAMPLES, 'global')}`, to: `dir:${join(EXAMPLES, 'china')}`, cwd: outside, apiVersion: '62.0' });
    const emulated = await runDiff({ from: 'org:global-emu', to: 'org:china-emu', cwd: outside, apiVersion: '62.0', noCache: true });
    expect(changeList(emulated)).to.deep.equal(changeList(folders));
    expect(emulated.summary).to.include({ added: 8, removed: 6, changed: 9 });
  });
});
