import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runOverlayApply } from '../../src/overlay/run.js';
import { TestRepo } from '../git/repo-helper.js';
import { writeFiles } from '../compare/support.js';
import { pinnedProject } from './pinned-project.js';

const writtenVersion = (out: string): unknown => (JSON.parse(readFileSync(join(out, 'sfdx-project.json'), 'utf8')) as { sourceApiVersion?: unknown }).sourceApiVersion;

describe('overlay apply: the tree is written at the API version the source pins', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sf-federate-apply-api-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes another project folder at its version, not the version of the project the command runs in', async () => {
    const here = join(dir, 'here');
    const other = join(dir, 'other');
    writeFiles(here, pinnedProject('62.0'));
    writeFiles(other, pinnedProject('58.0'));
    const out = join(dir, 'out');
    await runOverlayApply({ cwd: here, region: 'china', source: `dir:${other}`, outputDir: out, env: {} });
    expect(writtenVersion(out)).to.equal('58.0');
  });

  it("writes a git ref at the ref's version; --api-version wins", async () => {
    const repo = new TestRepo();
    try {
      repo.commit(pinnedProject('58.0'), 'pinned to 58.0');
      repo.write(pinnedProject('62.0'));
      const out = join(dir, 'out');
      await runOverlayApply({ cwd: repo.dir, region: 'china', source: 'git:HEAD', outputDir: out, env: {} });
      expect(writtenVersion(out)).to.equal('58.0');
      await runOverlayApply({ cwd: repo.dir, region: 'china', source: 'git:HEAD', outputDir: out, apiVersion: '61.0', env: {} });
      expect(writtenVersion(out)).to.equal('61.0');
      // The project itself: its own version, as before.
      await runOverlayApply({ cwd: repo.dir, region: 'china', outputDir: out, env: {} });
      expect(writtenVersion(out)).to.equal('62.0');
    } finally {
      repo.remove();
    }
  });

  it("writes a git ref with the ref's own sfdx-project.json, not the working tree's", async () => {
    const repo = new TestRepo();
    try {
      const atRef = {
        packageDirectories: [{ path: 'force-app', default: true, package: 'Core' }],
        name: 'at the ref',
        replacements: [{ filename: 'force-app/main/default/classes/Old.cls', stringToReplace: 'x', replaceWithEnv: 'X' }],
        sourceApiVersion: '58.0',
      };
      repo.commit({ ...pinnedProject('58.0'), 'sfdx-project.json': JSON.stringify(atRef, null, 2) }, 'at the ref');
      // The working tree has moved on: another name, no replacements, another package.
      repo.write({ 'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true, package: 'Renamed' }], name: 'working tree', sourceApiVersion: '62.0' }) });
      const out = join(dir, 'out');
      await runOverlayApply({ cwd: repo.dir, region: 'china', source: 'git:HEAD', outputDir: out, env: {} });
      expect(JSON.parse(readFileSync(join(out, 'sfdx-project.json'), 'utf8'))).to.deep.equal(atRef);
    } finally {
      repo.remove();
    }
  });
});
