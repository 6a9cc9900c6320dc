import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { runCheck } from '../../src/checks/run-check.js';
import { FEDERATE, makeProject, writeFederate } from './project.js';

describe('federate check settings (federate.yml checks block) and the overlay', () => {
  let dir: string;
  before(() => {
    dir = makeProject(FEDERATE(''));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('checks the overlaid snapshot, and the base with raw', async () => {
    writeFederate(dir, FEDERATE(''));
    const overlaid = await runCheck({ cwd: dir, region: 'china', env: {} });
    expect(overlaid.findings.map((finding) => finding.rule)).to.deep.equal(['CN-HOST-01', 'CN-CBDT-01']);
    expect(overlaid.overlay).to.equal('overlays/china/overlay.yml');
    expect(overlaid.exitCode).to.equal(1);
    expect(overlaid.findings[0]).to.include({ path: 'force-app/main/default/classes/Links.cls', line: 2, column: 48 });

    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${dir}/overlays/china/overlay.yml`, 'exclude:\n  - component: RemoteSiteSetting:Stripe_API\n');
    const fixed = await runCheck({ cwd: dir, region: 'china', env: {} });
    expect(fixed.findings.map((finding) => finding.rule)).to.deep.equal(['CN-HOST-01']);
    const raw = await runCheck({ cwd: dir, region: 'china', raw: true, env: {} });
    expect(raw.raw).to.equal(true);
    expect(raw.findings.map((finding) => finding.rule)).to.deep.equal(['CN-HOST-01', 'CN-CBDT-01']);
    writeFileSync(`${dir}/overlays/china/overlay.yml`, '');
  });

  it('turns rules off, changes severities, extends the allow-list; production stages make CBDT-01 an error', async () => {
    writeFederate(dir, FEDERATE('      rules:\n        CN-HOST-01: off\n        CN-CBDT-01: info\n'));
    const result = await runCheck({ cwd: dir, region: 'china', env: {} });
    expect(result.findings.map((finding) => [finding.rule, finding.severity])).to.deep.equal([['CN-CBDT-01', 'info']]);
    expect(result.rules.find((rule) => rule.id === 'CN-HOST-01')).to.include({ status: 'off', severity: 'off' });
    expect(result.exitCode).to.equal(0);

    writeFederate(dir, FEDERATE('      rules:\n        CN-HOST-01: off\n      allowHosts: ["*.stripe.com"]\n'));
    expect((await runCheck({ cwd: dir, region: 'china', env: {} })).findings).to.deep.equal([]);

    writeFederate(dir, FEDERATE('      rules:\n        CN-HOST-01: off\n'));
    const prod = await runCheck({ cwd: dir, region: 'china', stage: 'cn-prod', env: {} });
    expect(prod.findings.map((finding) => [finding.rule, finding.severity])).to.deep.equal([['CN-CBDT-01', 'error']]);
    const uat = await runCheck({ cwd: dir, region: 'china', stage: 'cn-uat', env: {} });
    expect(uat.findings.map((finding) => [finding.rule, finding.severity])).to.deep.equal([['CN-CBDT-01', 'warn']]);
  });

  it('accepts findings with a reason, and reports acceptances that match nothing', async () => {
    writeFederate(
      dir,
      FEDERATE(
        '      accept:\n' +
          '        - { rule: CN-CBDT-01, target: "RemoteSiteSetting:Stripe_API", reason: "PIPL standard contract 2024-07" }\n' +
          '        - { rule: CN-HOST-01, target: "force-app/**/Links.cls", reason: "help site moves in Q3" }\n' +
          '        - { rule: CN-CBDT-02, target: "NamedCredential:Gone", reason: "removed long ago" }\n'
      )
    );
    const result = await runCheck({ cwd: dir, region: 'china', env: {} });
    expect(result.findings).to.deep.equal([]);
    expect(result.exitCode).to.equal(0);
    expect(result.accepted.map((finding) => [finding.rule, finding.reason])).to.deep.equal([
      ['CN-HOST-01', 'help site moves in Q3'],
      ['CN-CBDT-01', 'PIPL standard contract 2024-07'],
    ]);
    expect(result.staleAcceptances).to.deep.equal([{ rule: 'CN-CBDT-02', target: 'NamedCredential:Gone', reason: 'removed long ago' }]);
    expect(result.summary).to.include({ accepted: 2, staleAcceptances: 1, error: 0 });
    expect(result.warnings.join('\n')).to.contain('CN-CBDT-02').and.contain('NamedCredential:Gone');
  });

  it('refuses an unknown rule id in configuration, naming it', async () => {
    writeFederate(dir, FEDERATE('      rules:\n        CN-HOST-99: off\n      accept:\n        - { rule: CN-NOPE-01, target: "x", reason: "y" }\n'));
    const error = await runCheck({ cwd: dir, region: 'china', env: {} }).then(
      () => undefined,
      (thrown: Error & { exitCode?: number }) => thrown
    );
    expect(error?.message).to.contain('CN-HOST-99').and.contain('CN-NOPE-01');
    expect(error?.exitCode).to.equal(2);
    expect(error?.name).to.equal('UnknownRuleError');
  });

  it('refuses an unknown region and a stage of another region', async () => {
    writeFederate(dir, FEDERATE(''));
    const region = await runCheck({ cwd: dir, region: 'mars', env: {} }).catch((thrown: Error & { exitCode?: number }) => thrown);
    expect((region as Error).message).to.contain('mars');
    const stage = await runCheck({ cwd: dir, region: 'china', stage: 'prod', env: {} }).catch((thrown: Error & { exitCode?: number }) => thrown);
    expect((stage as Error & { exitCode?: number }).exitCode).to.equal(2);
  });
});
