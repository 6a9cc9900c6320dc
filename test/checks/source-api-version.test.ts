import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runCheck } from '../../src/checks/run-check.js';
import type { CheckResult } from '../../src/checks/result.js';
import { TestRepo } from '../git/repo-helper.js';
import { writeFiles } from '../compare/support.js';
import { pinnedProject } from '../overlay/pinned-project.js';

/** The version CN-API-01 suggests for the class on the retired version 30.0. */
function suggested(result: CheckResult): string | undefined {
  return result.findings.find((finding) => finding.rule === 'CN-API-01' && finding.component === 'ApexClass:Old')?.fix?.text.match(/Set the API version to (\S+)/)?.[1];
}

describe('check: the API version a source pins in its own sfdx-project.json', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sf-federate-source-api-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('checks another project folder at its version, not the version of the project the command runs in', async () => {
    const here = join(dir, 'here');
    const other = join(dir, 'other');
    writeFiles(here, pinnedProject('62.0'));
    writeFiles(other, pinnedProject('58.0'));
    const result = await runCheck({ cwd: here, region: 'china', source: `dir:${other}`, env: {} });
    expect(result.apiVersion).to.equal('58.0');
    expect(suggested(result)).to.equal('58.0');
    // --api-version wins over both.
    expect((await runCheck({ cwd: here, region: 'china', source: `dir:${other}`, apiVersion: '61.0', env: {} })).apiVersion).to.equal('61.0');
    // The project itself: its own version, as before.
    expect((await runCheck({ cwd: here, region: 'china', env: {} })).apiVersion).to.equal('62.0');
  });

  it("checks a git ref at the ref's version", async () => {
    const repo = new TestRepo();
    try {
      repo.commit(pinnedProject('58.0'), 'pinned to 58.0');
      repo.write(pinnedProject('62.0'));
      const result = await runCheck({ cwd: repo.dir, region: 'china', source: 'git:HEAD', env: {} });
      expect(result.apiVersion).to.equal('58.0');
      expect(suggested(result)).to.equal('58.0');
    } finally {
      repo.remove();
    }
  });
});
