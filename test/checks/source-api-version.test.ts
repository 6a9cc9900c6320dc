import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runCheck } from '../../src/checks/run-check.js';
import type { CheckResult } from '../../src/checks/result.js';
import { TestRepo } from '../git/repo-helper.js';
import { writeFiles } from '../compare/support.js';
import { pinnedProject } from '../overlay/pinned-project.js';

/** The CN-API-01 findings on sfdx-project.json files: path, line, message. */
function onProjectFiles(result: CheckResult): Array<[string | undefined, number | undefined, string]> {
  return result.findings.filter((finding) => finding.rule === 'CN-API-01' && finding.path?.endsWith('sfdx-project.json')).map((finding) => [finding.path, finding.line, finding.message]);
}

/** Line of `"sourceApiVersion"` in pinnedProject's sfdx-project.json. */
const VERSION_LINE = pinnedProject('1.0')['sfdx-project.json'].split('\n').findIndex((line) => line.includes('"sourceApiVersion"')) + 1;

/** The version CN-API-01 suggests for the class on the retired version 30.0. */
function suggested(result: CheckResult): string | undefined {
  return result.findings.find((finding) => finding.rule === 'CN-API-01' && finding.component === 'ApexClass:Old')?.fix?.text.match(/Set the API version to ([\d.]+)/)?.[1];
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

  it("judges the sourceApiVersion of the source's own sfdx-project.json (CN-API-01), not the project's", async () => {
    const here = join(dir, 'here');
    const other = join(dir, 'other');
    writeFiles(here, pinnedProject('62.0'));
    writeFiles(other, pinnedProject('39.0'));
    const pinnedLow = await runCheck({ cwd: here, region: 'china', source: `dir:${other}`, env: {} });
    expect(onProjectFiles(pinnedLow)).to.deep.equal([
      ['../other/sfdx-project.json', VERSION_LINE, "../other/sfdx-project.json sourceApiVersion uses API version 39, unsupported from Summer '27 (versions 31–40)."],
    ]);
    // The version the source pins is itself flagged: not suggested as the fix.
    expect(suggested(pinnedLow)).to.equal(undefined);
    // The other way round: the project's low version is not what the source is deployed with.
    writeFiles(here, pinnedProject('39.0'));
    writeFiles(other, pinnedProject('62.0'));
    expect(onProjectFiles(await runCheck({ cwd: here, region: 'china', source: `dir:${other}`, env: {} }))).to.deep.equal([]);
    expect(onProjectFiles(await runCheck({ cwd: here, region: 'china', env: {} })).map(([path]) => path)).to.deep.equal(['sfdx-project.json']);
  });

  it("checks a git ref at the ref's version", async () => {
    const repo = new TestRepo();
    try {
      repo.commit(pinnedProject('58.0'), 'pinned to 58.0');
      repo.write(pinnedProject('62.0'));
      const result = await runCheck({ cwd: repo.dir, region: 'china', source: 'git:HEAD', env: {} });
      expect(result.apiVersion).to.equal('58.0');
      expect(suggested(result)).to.equal('58.0');
      // The ref's sfdx-project.json is judged, at its line: the working tree's 62.0 is not what HEAD deploys with.
      repo.commit(pinnedProject('39.0'), 'pinned to 39.0');
      repo.write(pinnedProject('62.0'));
      expect(onProjectFiles(await runCheck({ cwd: repo.dir, region: 'china', source: 'git:HEAD', env: {} }))).to.deep.equal([
        ['sfdx-project.json', VERSION_LINE, "sfdx-project.json sourceApiVersion uses API version 39, unsupported from Summer '27 (versions 31–40)."],
      ]);
      expect(onProjectFiles(await runCheck({ cwd: repo.dir, region: 'china', env: {} }))).to.deep.equal([]);
    } finally {
      repo.remove();
    }
  });
});
