import { expect } from 'chai';
import { runCheck } from '../../src/checks/run-check.js';
import type { CheckResult } from '../../src/checks/result.js';
import { TestRepo } from '../git/repo-helper.js';

const D = 'force-app/main/default';
const META = '<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">\n    <apiVersion>62.0</apiVersion>\n    <status>Active</status>\n</ApexClass>\n';

/** A project whose sfdx-project.json sets `sfdcLoginUrl` (none when undefined), with a China stage without instanceUrl. */
function project(sfdcLoginUrl: string | undefined): Record<string, string> {
  return {
    'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0', ...(sfdcLoginUrl ? { sfdcLoginUrl } : {}) }, null, 2),
    'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china }\nstages:\n  cn-prod: { branch: cn/main, org: cn-prod, region: china }\n',
    'overlays/china/overlay.yml': 'exclude: []\n',
    [`${D}/classes/Pay.cls`]: 'public class Pay {}\n',
    [`${D}/classes/Pay.cls-meta.xml`]: META,
  };
}

const loginFindings = (result: CheckResult): string[] => result.findings.filter((finding) => finding.rule === 'CN-CFG-01').map((finding) => `${finding.path}:${finding.line}`);

describe("check: CN-CFG-01 reads sfdcLoginUrl from the sfdx-project.json the checked source is deployed with, not the working tree's", function () {
  this.timeout(60_000);

  it('a git ref with a global sfdcLoginUrl is flagged though the working tree has none, and not the other way round', async () => {
    const repo = new TestRepo();
    try {
      repo.commit(project('https://login.salesforce.com'), 'global login');
      repo.write({ 'sfdx-project.json': project(undefined)['sfdx-project.json'] });
      expect(loginFindings(await runCheck({ cwd: repo.dir, region: 'china', source: 'git:HEAD', env: {} }))).to.deep.equal(['sfdx-project.json:9']);
      expect(loginFindings(await runCheck({ cwd: repo.dir, region: 'china', env: {} }))).to.deep.equal([]);

      repo.commit(project(undefined), 'no login url');
      repo.write({ 'sfdx-project.json': project('https://login.salesforce.com')['sfdx-project.json'] });
      expect(loginFindings(await runCheck({ cwd: repo.dir, region: 'china', source: 'git:HEAD', env: {} }))).to.deep.equal([]);
      expect(loginFindings(await runCheck({ cwd: repo.dir, region: 'china', env: {} }))).to.deep.equal(['sfdx-project.json:9']);
    } finally {
      repo.remove();
    }
  });
});
