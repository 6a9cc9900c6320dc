import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runCheck } from '../../src/checks/run-check.js';
import type { CheckResult } from '../../src/checks/result.js';
import { TestRepo } from '../git/repo-helper.js';
import { writeFiles } from '../compare/support.js';

const D = 'force-app/main/default';
const META = '<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">\n    <apiVersion>62.0</apiVersion>\n    <status>Active</status>\n</ApexClass>\n';

/** A project whose sfdx-project.json sets `namespace` (none when undefined), with a class using acme's object. */
function project(namespace: string | undefined): Record<string, string> {
  return {
    'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], ...(namespace ? { namespace } : {}), sourceApiVersion: '62.0' }, null, 2),
    'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china }\n',
    'overlays/china/overlay.yml': 'exclude: []\n',
    [`${D}/classes/Pay.cls`]: 'public class Pay { acme__Thing__c t; }\n',
    [`${D}/classes/Pay.cls-meta.xml`]: META,
  };
}

const packageFindings = (result: CheckResult): string[] => result.findings.filter((finding) => finding.rule === 'CN-PKG-01').map((finding) => finding.component ?? '');

describe("check: CN-PKG-01 counts the checked source's own namespace as installed, not the namespace of the project it runs in", function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sf-federate-source-namespace-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the namespace of another project folder', async () => {
    const here = join(dir, 'here');
    const other = join(dir, 'other');
    writeFiles(here, project(undefined));
    writeFiles(other, project('acme'));
    // acme__ is the other project's own namespace: the org it deploys to is that namespace's.
    expect(packageFindings(await runCheck({ cwd: here, region: 'china', source: `dir:${other}`, env: {} }))).to.deep.equal([]);
    // The other way round: here's namespace does not make acme__ of a project without one installed.
    writeFiles(here, project('acme'));
    writeFiles(other, project(undefined));
    expect(packageFindings(await runCheck({ cwd: here, region: 'china', source: `dir:${other}`, env: {} }))).to.deep.equal(['ApexClass:Pay']);
  });

  it("takes the namespace of a git ref's sfdx-project.json, not the working tree's", async () => {
    const repo = new TestRepo();
    try {
      repo.commit(project('acme'), 'namespace acme');
      repo.write({ 'sfdx-project.json': project(undefined)['sfdx-project.json'] });
      expect(packageFindings(await runCheck({ cwd: repo.dir, region: 'china', source: 'git:HEAD', env: {} }))).to.deep.equal([]);
      expect(packageFindings(await runCheck({ cwd: repo.dir, region: 'china', env: {} }))).to.deep.equal(['ApexClass:Pay']);
    } finally {
      repo.remove();
    }
  });
});
