import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import Ajv04Module from 'ajv-draft-04';
import { runCheck } from '../../src/checks/run-check.js';
import type { CheckResult } from '../../src/checks/result.js';
import { escapeData, toAnnotations } from '../../src/report/annotations.js';
import { toSarif } from '../../src/report/sarif.js';
import { FEDERATE, makeProject } from './project.js';

// ajv-draft-04 is CommonJS: its class is the module itself (and its `default`).
const Ajv04 = Ajv04Module.default;

/** The official SARIF 2.1.0 schema (2.1.0-rtm.5), vendored from the npm package @microsoft/jest-sarif (MIT). */
const schema = JSON.parse(readFileSync(join(import.meta.dirname, 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;

describe('SARIF 2.1.0 and GitHub annotations of a check', () => {
  let dir: string;
  let result: CheckResult;
  before(async () => {
    dir = makeProject(FEDERATE('      accept:\n        - { rule: CN-CBDT-01, target: "RemoteSiteSetting:Stripe_API", reason: "PIPL standard contract" }\n'));
    result = await runCheck({ cwd: dir, region: 'china', env: {} });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('validates against the SARIF 2.1.0 JSON schema', () => {
    const ajv = new Ajv04({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false }) // the schema's `language` pattern is not valid with the u flag;
    const validate = ajv.compile(schema);
    const log = JSON.parse(JSON.stringify(toSarif(result, { toolVersion: '0.1.0' }))) as unknown;
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).to.equal(true);
    // The schema itself must catch a broken log (so the test above means something).
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).to.equal(false);
  });

  it('lists the catalog as rules and the findings as results with relative URIs and line/column', () => {
    const log = toSarif(result, { toolVersion: '0.1.0' });
    const run = log.runs[0];
    expect(run.tool.driver.rules!.map((rule) => rule.id)).to.include.members(['CN-HOST-01', 'CN-CBDT-01', 'CN-XML-01']);
    const host = run.results!.find((entry) => entry.ruleId === 'CN-HOST-01')!;
    expect(host.level).to.equal('error');
    expect(run.tool.driver.rules![host.ruleIndex!].id).to.equal('CN-HOST-01');
    expect(host.locations![0].physicalLocation).to.deep.equal({
      artifactLocation: { uri: 'force-app/main/default/classes/Links.cls', uriBaseId: '%SRCROOT%' },
      region: { startLine: 2, startColumn: 48 },
    });
    const accepted = run.results!.find((entry) => entry.ruleId === 'CN-CBDT-01')!;
    expect(accepted.suppressions).to.deep.equal([{ kind: 'external', status: 'accepted', justification: 'PIPL standard contract' }]);
  });

  it('prints one workflow command per finding, escaped', () => {
    const [line] = toAnnotations(result.findings);
    expect(line.startsWith('::error file=force-app/main/default/classes/Links.cls,line=2,col=48,title=CN-HOST-01::')).to.equal(true);
    expect(line).to.not.contain('\n');
    expect(line).to.contain('%0AFix: ');
    expect(escapeData('100% a\r\nb')).to.equal('100%25 a%0D%0Ab');
  });
});
