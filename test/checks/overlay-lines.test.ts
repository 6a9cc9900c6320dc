import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runCheck } from '../../src/checks/run-check.js';
import { writeFiles } from '../compare/support.js';

const D = 'force-app/main/default';

describe('check: findings in files the overlay changed point at the repository file', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sf-federate-overlay-lines-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('moves a finding to the line that reads the same in the repository file, and drops the line of one only the overlay writes', async () => {
    // Tab-indented as some editors save it; the overlay removes two lines above the endpoint and rewrites the file.
    const aws = '<?xml version="1.0" encoding="UTF-8"?>\n<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata">\n\t<allowMergeFieldsInBody>true</allowMergeFieldsInBody>\n\t<allowMergeFieldsInHeader>true</allowMergeFieldsInHeader>\n\t<awsRegion>us-west-2</awsRegion>\n\t<awsService>secretsmanager</awsService>\n\t<endpoint>https://secretsmanager.us-west-2.amazonaws.com</endpoint>\n\t<label>AWS-Secret</label>\n\t<principalType>NamedUser</principalType>\n\t<protocol>AwsSv4</protocol>\n</NamedCredential>\n';
    const pay = '<?xml version="1.0" encoding="UTF-8"?>\n<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata">\n    <endpoint>https://pay.example.cn</endpoint>\n    <label>Pay</label>\n    <principalType>Anonymous</principalType>\n    <protocol>NoAuthentication</protocol>\n</NamedCredential>\n';
    writeFiles(dir, {
      'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0' }),
      'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china }\n',
      'overlays/china/overlay.yml':
        'patches:\n  - component: NamedCredential:AWS_Secret\n    path: allowMergeFieldsInBody\n    remove: true\n  - component: NamedCredential:AWS_Secret\n    path: allowMergeFieldsInHeader\n    remove: true\n' +
        '  - component: NamedCredential:Pay\n    path: endpoint\n    set: https://pay.example.com\n',
      [`${D}/namedCredentials/AWS_Secret.namedCredential-meta.xml`]: aws,
      [`${D}/namedCredentials/Pay.namedCredential-meta.xml`]: pay,
    });
    const result = await runCheck({ cwd: dir, region: 'china' });
    const byComponent = new Map(result.findings.filter((finding) => finding.rule === 'CN-CBDT-02').map((finding) => [finding.component, finding]));
    expect(byComponent.get('NamedCredential:AWS_Secret')).to.include({ path: `${D}/namedCredentials/AWS_Secret.namedCredential-meta.xml`, line: 7, column: 12 });
    const written = byComponent.get('NamedCredential:Pay')!;
    expect([written.line, written.column]).to.deep.equal([undefined, undefined]);
    expect(written.message).to.match(/\(on a line the overlay writes\)$/);
  });
});
