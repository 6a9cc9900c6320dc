import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { runDiff } from '../../src/compare/run-diff.js';
import { TestRepo, apexClass } from '../git/repo-helper.js';
import { TempDirs, writeFiles as write } from './support.js';

/** A project folder with one class, its sfdx-project.json setting `version` (or no sourceApiVersion). */
function project(dir: string, version: string | undefined, body = 'public class A {}'): string {
  const json = { packageDirectories: [{ path: 'force-app', default: true }], ...(version ? { sourceApiVersion: version } : {}) };
  const files: Record<string, string> = { 'sfdx-project.json': JSON.stringify(json), ...apexClass('A', body) };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('runDiff: the API version of the result and the manifests', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  const fallback = /none is set in sfdx-project.json/;

  it('takes it from the compared projects (the `to` one first) when the command runs outside any project', async () => {
    const outside = temp.make();
    const from = project(join(outside, 'global'), '50.0');
    const to = project(join(outside, 'china'), '58.0', 'public class A { }');
    const out = join(outside, 'out');
    const result = await runDiff({ from: `dir:${from}`, to: `dir:${to}`, cwd: outside, outputDir: out });
    expect(result.apiVersion).to.equal('58.0');
    expect(readFileSync(join(out, 'package.xml'), 'utf8')).to.include('<version>58.0</version>');
    expect(result.warnings.join('\n')).to.not.match(fallback);
    // `to` sets none: `from`'s; the flag wins over both.
    project(to, undefined);
    expect((await runDiff({ from: `dir:${from}`, to: `dir:${to}`, cwd: outside })).apiVersion).to.equal('50.0');
    expect((await runDiff({ from: `dir:${from}`, to: `dir:${to}`, cwd: outside, apiVersion: '61.0' })).apiVersion).to.equal('61.0');
    // Neither sets one: the fallback, with its warning.
    project(from, undefined);
    const bare = await runDiff({ from: `dir:${from}`, to: `dir:${to}`, cwd: outside });
    expect(bare.warnings.join('\n')).to.match(fallback);
  });

  it('warns that flows deleted through destructiveChanges must be deactivated first, and only then', async () => {
    const outside = temp.make();
    const from = project(join(outside, 'global'), '62.0');
    const to = project(join(outside, 'china'), '62.0');
    const flow = (label: string): string =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<Flow xmlns="http://soap.sforce.com/2006/04/metadata">\n    <label>${label}</label>\n    <processType>AutoLaunchedFlow</processType>\n    <status>Active</status>\n</Flow>\n`;
    write(from, { 'force-app/main/default/flows/Welcome_Mail.flow-meta.xml': flow('Welcome'), 'force-app/main/default/flows/Kept.flow-meta.xml': flow('Kept') });
    write(to, { 'force-app/main/default/flows/Kept.flow-meta.xml': flow('Kept, relabelled') });
    const deleted = await runDiff({ from: `dir:${from}`, to: `dir:${to}`, cwd: outside });
    expect(deleted.warnings.filter((warning) => /deactivate/i.test(warning))).to.deep.equal([
      '1 flow(s) deleted through destructiveChanges (Welcome_Mail): the Metadata API does not delete a flow while a version of it is active. Deactivate each in the target org before deploying this delta.',
    ]);
    // A changed flow, and no deleted one: nothing to say.
    const changed = await runDiff({ from: `dir:${to}`, to: `dir:${from}`, cwd: outside });
    expect(changed.warnings.join('\n')).to.not.match(/deactivate/i);
  });

  it('says once what it compares, with the number of components on each side', async () => {
    const outside = temp.make();
    const from = project(join(outside, 'global'), '62.0');
    const to = project(join(outside, 'china'), '62.0', 'public class A { }');
    const phases: string[] = [];
    await runDiff({ from: `dir:${from}`, to: `dir:${to}`, cwd: outside, onProgress: (event) => void (event.kind === 'phase' && phases.push(event.message)) });
    expect(phases.filter((message) => message.startsWith('Comparing'))).to.deep.equal(['Comparing 1 component(s) with 1 component(s)']);
  });

  it("takes a git ref's sourceApiVersion over the project the command runs in (--repo-dir elsewhere)", async () => {
    const repo = new TestRepo();
    try {
      const json = (version: string): string => JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: version });
      repo.commit({ 'sfdx-project.json': json('64.0'), ...apexClass('A') }, 'one');
      repo.commit({ 'sfdx-project.json': json('65.0'), ...apexClass('A', 'public class A { }') }, 'two');
      const elsewhere = project(temp.make(), '53.0');
      const result = await runDiff({ from: 'git:HEAD~1', to: 'git:HEAD', cwd: elsewhere, repoDir: repo.dir });
      expect(result.apiVersion).to.equal('65.0');
      expect(result.changes.map((change) => change.key)).to.deep.equal(['ApexClass:A']);
    } finally {
      repo.remove();
    }
  });

  it("classifies a ref with its own project's presets when the command runs outside any project (--repo-dir)", async () => {
    const repo = new TestRepo();
    try {
      const json = JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0', sourceBehaviorOptions: ['decomposeSharingRulesBeta', 'decomposePermissionSetBeta2'] });
      const rule = (access: string): string =>
        `<?xml version="1.0" encoding="UTF-8"?>\n<SharingCriteriaRule xmlns="http://soap.sforce.com/2006/04/metadata">\n    <fullName>Hot_Accounts</fullName>\n    <accessLevel>${access}</accessLevel>\n    <label>Hot</label>\n    <sharedTo>\n        <allInternalUsers></allInternalUsers>\n    </sharedTo>\n    <criteriaItems>\n        <field>Rating</field>\n        <operation>equals</operation>\n        <value>Hot</value>\n    </criteriaItems>\n    <includeRecordsOwnedByAll>true</includeRecordsOwnedByAll>\n</SharingCriteriaRule>\n`;
      const path = 'force-app/main/default/sharingRules/Account/sharingCriteriaRules/Hot_Accounts.sharingCriteriaRule-meta.xml';
      const settings = (editable: boolean): Record<string, string> => ({
        'force-app/main/default/permissionsets/Ops/Ops.permissionset-meta.xml': '<?xml version="1.0" encoding="UTF-8"?>\n<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">\n    <label>Ops</label>\n</PermissionSet>\n',
        'force-app/main/default/permissionsets/Ops/objectSettings/Account.objectSettings-meta.xml': `<?xml version="1.0" encoding="UTF-8"?>\n<PermissionSet>\n    <fieldPermissions>\n        <editable>${String(editable)}</editable>\n        <field>Account.Rating</field>\n        <readable>true</readable>\n    </fieldPermissions>\n</PermissionSet>\n`,
      });
      repo.commit({ 'sfdx-project.json': json, [path]: rule('Read'), ...settings(false) }, 'one');
      repo.commit({ [path]: rule('Edit'), ...settings(true) }, 'two');
      const inside = await runDiff({ from: 'git:HEAD~1', to: 'git:HEAD', cwd: repo.dir, outputDir: join(temp.make(), 'in') });
      const outside = await runDiff({ from: 'git:HEAD~1', to: 'git:HEAD', cwd: temp.make(), repoDir: repo.dir, outputDir: join(temp.make(), 'out') });
      expect(inside.changes.map((change) => change.key)).to.deep.equal(['ObjectSettings:Ops.Account', 'SharingCriteriaRule:Account.Hot_Accounts']);
      expect(outside.changes.map((change) => change.key)).to.deep.equal(inside.changes.map((change) => change.key));
      // The manifests name what the Metadata API knows: the permission set, not its unaddressable part.
      const packageXml = readFileSync(join(outside.manifests!.outputDir, 'package.xml'), 'utf8');
      expect(packageXml).to.equal(readFileSync(join(inside.manifests!.outputDir, 'package.xml'), 'utf8'));
      expect(packageXml).to.include('<members>Account.Hot_Accounts</members>').and.to.include('<members>Ops</members>').and.to.not.include('ObjectSettings');
      expect(outside.warnings.join('\n')).to.not.match(/otherwise than the project/);
    } finally {
      repo.remove();
    }
  });

  it('deletes what a bare source folder (dir:force-app) has and a project lacks, as from its project', async () => {
    const global = project(temp.make(), '62.0');
    write(global, apexClass('Gone'));
    const china = project(temp.make(), '62.0');
    const result = await runDiff({ from: 'dir:force-app', to: `dir:${china}`, cwd: global });
    expect(result.changes.map((change) => `${change.kind} ${change.key}`)).to.deep.equal(['removed ApexClass:Gone']);
    expect(result.warnings.join('\n')).to.not.match(/outside the package directories/);
  });
});

describe('runDiff --region --stage: the stage is one of federate.yml, of that region', function () {
  this.timeout(60_000);
  const global = join(process.cwd(), 'examples', 'global');
  const diff = (stage: string): ReturnType<typeof runDiff> => runDiff({ from: 'dir:.', to: 'dir:../china', cwd: global, region: 'china', stage });

  it('refuses a misspelt stage (exit 2), as overlay apply and check do, instead of applying the default values', async () => {
    const error = (await diff('cn-prd').then(
      () => undefined,
      (thrown: unknown) => thrown
    )) as { name?: string; exitCode?: number; actions?: string[] } | undefined;
    expect(error?.name).to.equal('UnknownStageError');
    expect(error?.exitCode).to.equal(2);
    expect(error?.actions?.join('\n')).to.include('cn-prod');
    const other = (await diff('prod').then(
      () => undefined,
      (thrown: unknown) => thrown
    )) as { name?: string; exitCode?: number } | undefined;
    expect(other?.name).to.equal('StageOfOtherRegionError');
    expect(other?.exitCode).to.equal(2);
    // cn-uat's PAY_HOST (payments-uat.example.cn) is not what the China folder holds: one drift more than cn-prod.
    expect((await diff('cn-prod')).summary.drift).to.equal(2);
    expect((await diff('cn-uat')).summary.drift).to.equal(3);
  });
});
