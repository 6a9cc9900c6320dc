import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { PLUGIN_DIR, sfSandbox, type SfSandbox } from './sf.js';

type Finding = { rule: string; severity: string; component?: string; file?: string; line?: number };
type CheckJson = { findings: Finding[]; summary?: Record<string, number> };

// China readiness on the embedded example through the real sf CLI: the global source as it is raises the China
// findings; what China really gets (the overlay applied) raises no error-level finding.
describe('e2e: sf federate check (real sf CLI)', function () {
  this.timeout(300_000);
  let sf: SfSandbox;
  const project = join(PLUGIN_DIR, 'examples', 'global');

  before(async () => {
    sf = await sfSandbox();
  });
  after(() => sf?.dispose());

  it('flags the global source for China with --raw, and exits 1 on error-level findings', async () => {
    const run = await sf.run(['federate', 'check', '--region', 'china', '--raw', '--json'], { cwd: project, env: { GITHUB_ACTIONS: '' } });
    expect(run.exitCode, run.stderr).to.equal(1);
    const rules = new Set((run.json?.result as CheckJson).findings.map((finding) => finding.rule));
    for (const rule of ['CN-HOST-01', 'CN-CBDT-02', 'CN-CBDT-07', 'CN-FEAT-01']) expect([...rules]).to.include(rule);
  });

  it('passes what China really gets (overlay applied) and writes SARIF', async () => {
    const run = await sf.run(['federate', 'check', '--region', 'china', '--stage', 'cn-prod', '--format', 'sarif'], { cwd: project, env: { GITHUB_ACTIONS: '' } });
    expect(run.exitCode, run.stderr).to.equal(0);
    const sarif = JSON.parse(run.stdout) as { version: string; runs: Array<{ tool: { driver: { version: string } }; results: Array<{ level: string; suppressions?: unknown[] }> }> };
    expect(sarif.version).to.equal('2.1.0');
    // The plugin's version, not the sf CLI's.
    expect(sarif.runs[0].tool.driver.version).to.equal((JSON.parse(readFileSync(join(PLUGIN_DIR, 'package.json'), 'utf8')) as { version: string }).version);
    const errors = sarif.runs[0].results.filter((result) => result.level === 'error' && !result.suppressions?.length);
    expect(errors).to.have.length(0);
  });

  it('refuses an unknown region with exit code 2', async () => {
    const run = await sf.run(['federate', 'check', '--region', 'mars', '--json'], { cwd: project });
    expect(run.exitCode).to.equal(2);
    expect(run.json?.message).to.contain('mars');
  });
});
