import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { DiffResult } from '../../src/compare/result.js';
import { PLUGIN_DIR, sfSandbox, type SfSandbox } from './sf.js';

// The region workflow on the embedded example through the real sf CLI: build the China tree from the global
// project with the China overlay, then explain the differences with the China org.
describe('e2e: sf federate overlay apply and diff --region (real sf CLI)', function () {
  this.timeout(300_000);
  let sf: SfSandbox;
  let work: string;
  let project: string;
  const china = join(PLUGIN_DIR, 'examples', 'china');

  before(async () => {
    sf = await sfSandbox();
    work = mkdtempSync(join(tmpdir(), 'sf-federate-e2e-overlay-'));
    // A copy, so a test that breaks the overlay cannot touch the repository's example.
    project = join(work, 'global');
    cpSync(join(PLUGIN_DIR, 'examples', 'global'), project, { recursive: true });
  });
  after(() => {
    sf?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it('applies the China overlay into a deployable tree that differs from the China org only by the documented drift', async () => {
    const outputDir = join(work, 'build-china');
    const apply = await sf.run(['federate', 'overlay', 'apply', '--region', 'china', '--stage', 'cn-prod', '--output-dir', outputDir, '--json'], { cwd: project });
    expect(apply.exitCode, apply.stdout + apply.stderr).to.equal(0);
    const endpoint = readFileSync(join(outputDir, 'force-app', 'main', 'default', 'namedCredentials', 'Payments.namedCredential-meta.xml'), 'utf8');
    expect(endpoint).to.contain('<endpoint>https://payments.example.cn</endpoint>');
    expect(existsSync(join(outputDir, 'force-app', 'main', 'default', 'classes', 'StripeRefundClient.cls'))).to.equal(false);
    // The source tree is never modified by apply.
    expect(readFileSync(join(project, 'force-app', 'main', 'default', 'namedCredentials', 'Payments.namedCredential-meta.xml'), 'utf8')).to.contain('payments.example.com');

    const diff = await sf.run(['federate', 'diff', '--from', `dir:${outputDir}`, '--to', `dir:${china}`, '--json'], { cwd: project });
    expect(diff.exitCode, diff.stderr).to.equal(0);
    const keys = (diff.json?.result as DiffResult).changes.map((change) => change.key).sort();
    // The two PIPL changes made by hand in the China org are the example's documented drift.
    expect(keys).to.deep.equal(['CustomField:Account.Marketing_Consent__c', 'Profile:Sales User']);
  });

  it('explains the global-to-China differences with --region and counts only drift for --exit-code', async () => {
    const run = await sf.run(['federate', 'diff', '--from', 'dir:.', '--to', `dir:${china}`, '--region', 'china', '--stage', 'cn-prod', '--exit-code', '--json'], { cwd: project });
    expect(run.exitCode, run.stderr).to.equal(1);
    const result = run.json?.result as DiffResult;
    expect(result.summary.drift).to.equal(2);
    const drift = result.changes.filter((change) => change.classification === 'drift').map((change) => change.key).sort();
    expect(drift).to.deep.equal(['CustomField:Account.Marketing_Consent__c', 'Profile:Sales User']);
    expect(result.changes.find((change) => change.key === 'NamedCredential:Payments')?.classification).to.equal('overlay');
  });

  it('refuses a malformed overlay with its file and line, and writes nothing', async () => {
    const overlayFile = join(project, 'overlays', 'china', 'overlay.yml');
    const original = readFileSync(overlayFile, 'utf8');
    writeFileSync(overlayFile, `${original}\npatches: [unclosed\n`);
    try {
      const outputDir = join(work, 'never');
      const run = await sf.run(['federate', 'overlay', 'apply', '--region', 'china', '--output-dir', outputDir, '--json'], { cwd: project });
      expect(run.exitCode).to.equal(2);
      expect(run.json?.message).to.match(/overlay\.yml.*\d+/);
      expect(existsSync(outputDir)).to.equal(false);
    } finally {
      writeFileSync(overlayFile, original);
    }
  });
});
