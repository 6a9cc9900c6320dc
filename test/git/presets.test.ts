import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { compareSnapshots } from '../../src/compare/compare.js';
import { writeDeltaSources } from '../../src/compare/delta-sources.js';
import { readSourcePair } from '../../src/metadata/git/pair.js';
import { registryFor } from '../../src/metadata/registry.js';
import { DEFAULT_DIR as D, TestRepo, convertLikeDeploy, xml } from './repo-helper.js';
import { ourDelta, wholeTreeChanges } from './sgd-compare.js';

/*
 * Projects laid out by SDR's decomposition presets (sfdx-project.json `sourceBehaviorOptions`), as real projects that
 * opted in have them: a workflow as a folder of rule, alert and field update files; a permission set as a folder with
 * one objectSettings file per object. The manifests must name what the Metadata API knows.
 */
const PROJECT = JSON.stringify({
  packageDirectories: [{ path: 'force-app', default: true }],
  sourceApiVersion: '62.0',
  sourceBehaviorOptions: ['decomposeWorkflowBeta', 'decomposePermissionSetBeta2'],
});

const WORKFLOW = {
  [`${D}/workflows/Lead/Lead.workflow-meta.xml`]: xml('Workflow', ''),
  [`${D}/workflows/Lead/workflowAlerts/Notify_Owner.workflowAlert-meta.xml`]: xml(
    'WorkflowAlert',
    '    <fullName>Notify_Owner</fullName>\n    <description>Notify</description>\n    <protected>false</protected>\n    <recipients>\n        <type>owner</type>\n    </recipients>\n    <senderType>CurrentUser</senderType>\n    <template>unfiled$public/Hello</template>'
  ),
  [`${D}/workflows/Lead/workflowRules/Lead_Hot.workflowRule-meta.xml`]: xml(
    'WorkflowRule',
    '    <fullName>Lead_Hot</fullName>\n    <actions>\n        <name>Notify_Owner</name>\n        <type>Alert</type>\n    </actions>\n    <active>true</active>\n    <formula>true</formula>\n    <triggerType>onCreateOnly</triggerType>'
  ),
};

const objectSettings = (editable: boolean): Record<string, string> => ({
  [`${D}/permissionsets/Ops/objectSettings/Account.objectSettings-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?>\n<PermissionSet>\n    <fieldPermissions>\n        <editable>${editable}</editable>\n        <field>Account.Rating</field>\n        <readable>true</readable>\n    </fieldPermissions>\n</PermissionSet>\n`,
});

describe('git deltas of projects laid out by SDR presets', function () {
  this.timeout(60_000);
  let repo: TestRepo;
  before(() => {
    repo = new TestRepo();
    repo.commit({
      'sfdx-project.json': PROJECT,
      ...WORKFLOW,
      [`${D}/permissionsets/Ops/Ops.permissionset-meta.xml`]: xml('PermissionSet', '    <label>Ops</label>'),
      ...objectSettings(false),
    });
  });
  after(() => repo.remove());

  it('lists the permission set for a changed objectSettings file, which the Metadata API cannot address on its own', async () => {
    repo.commit(objectSettings(true), 'Rating editable');
    const { members } = await ourDelta(repo.dir, 'HEAD~1', 'HEAD');
    expect(Object.fromEntries(members.package)).to.deep.equal({ PermissionSet: ['Ops'] });
    expect(Object.fromEntries(members.destructive)).to.deep.equal({});
  });

  it('deletes the rules and alerts of a decomposed workflow folder removed whole, not the Workflow', async () => {
    repo.commit(Object.fromEntries(Object.keys(WORKFLOW).map((path) => [path, null])), 'Lead workflow removed');
    const { manifests } = await ourDelta(repo.dir, 'HEAD~1', 'HEAD');
    expect(manifests.members.destructiveChangesPost).to.deep.equal({ WorkflowAlert: ['Lead.Notify_Owner'], WorkflowRule: ['Lead.Lead_Hot'] });
    expect(manifests.notDeletable.map((entry) => `${entry.type}:${entry.fullName}`)).to.deep.equal(['Workflow:Lead']);
  });
});

describe('one component in two package directories', () => {
  const label = (name: string, value: string): string =>
    `    <labels>\n        <fullName>${name}</fullName>\n        <language>en_US</language>\n        <protected>false</protected>\n        <shortDescription>${name}</shortDescription>\n        <value>${value}</value>\n    </labels>`;
  const project = JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }, { path: 'extra' }], sourceApiVersion: '62.0' });
  const main = `${D}/labels/CustomLabels.labels-meta.xml`;
  const extra = 'extra/labels/CustomLabels.labels-meta.xml';
  const keysOf = (changes: ReadonlyArray<{ kind: string; key: string }>): string[] => changes.map((change) => `${change.kind} ${change.key}`);

  it('compares the CustomLabels files of all package directories as one, as SDR merges them on deploy', async () => {
    const repo = new TestRepo();
    const out = mkdtempSync(join(tmpdir(), 'sf-federate-two-labels-'));
    try {
      repo.commit({ 'sfdx-project.json': project, [main]: xml('CustomLabels', label('A', 'a')), [extra]: xml('CustomLabels', label('B', 'b')) });
      repo.commit({ [extra]: xml('CustomLabels', label('B', 'b2')) }, 'B changed');
      const one = await ourDelta(repo.dir, 'HEAD~1', 'HEAD');
      expect(keysOf(one.changeset.changes)).to.deep.equal(['changed CustomLabel:B']);
      expect(one.changeset.unclassified).to.deep.equal([]);

      repo.commit({ [main]: xml('CustomLabels', label('A', 'a2')), [extra]: xml('CustomLabels', `${label('B', 'b2')}\n${label('C', 'c')}`) }, 'A changed, C added');
      const both = await ourDelta(repo.dir, 'HEAD~1', 'HEAD');
      expect(keysOf(both.changeset.changes)).to.deep.equal(['changed CustomLabel:A', 'added CustomLabel:C']);
      expect(both.manifests.members.package).to.deep.equal({ CustomLabel: ['A', 'C'] });
      // One file holds every label deployed; SDR reads it as the one CustomLabels.
      const { files } = await writeDeltaSources(both.changeset, both.to, out, { registry: both.registry });
      expect(files).to.deep.equal([main]);
      expect(await convertLikeDeploy(out, both.registry, `${out}-md`)).to.deep.equal(['CustomLabel:A', 'CustomLabel:C', 'CustomLabels:CustomLabels']);

      // A label moved from one package directory to the other is no change to the org.
      repo.commit({ [main]: xml('CustomLabels', `${label('A', 'a2')}\n${label('C', 'c')}`), [extra]: xml('CustomLabels', label('B', 'b2')) }, 'C moved');
      const moved = await ourDelta(repo.dir, 'HEAD~1', 'HEAD');
      expect(keysOf(moved.changeset.changes)).to.deep.equal([]);
      expect(moved.manifests.members.destructiveChangesPost).to.deep.equal({});

      // The second file added or removed: its labels come or go, as on whole trees.
      repo.commit({ [extra]: null }, 'extra labels removed');
      const removed = await ourDelta(repo.dir, 'HEAD~1', 'HEAD');
      expect(removed.manifests.members.destructiveChangesPost).to.deep.equal({ CustomLabel: ['B'] });
      const ranges = [['HEAD~1', 'HEAD'], ['HEAD~4', 'HEAD'], ['HEAD', 'HEAD~3']];
      const compared = await Promise.all(ranges.map(([from, to]) => Promise.all([ourDelta(repo.dir, from, to), wholeTreeChanges(repo.dir, from, to)])));
      for (const [index, [fast, whole]] of compared.entries()) expect(keysOf(fast.changeset.changes), ranges[index].join('..')).to.deep.equal(keysOf(whole.changes));
    } finally {
      repo.remove();
      rmSync(out, { recursive: true, force: true });
      rmSync(`${out}-md`, { recursive: true, force: true });
    }
  });
  describe('a CustomLabels file in each of three package directories', () => {
    const three = JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }, { path: 'pkg2' }, { path: 'pkg3' }], sourceApiVersion: '62.0' });
    const [pkg2, pkg3] = ['pkg2/main/default/labels/CustomLabels.labels-meta.xml', 'pkg3/main/default/labels/CustomLabels.labels-meta.xml'];
    const classInPkg3 = { 'pkg3/main/default/classes/K.cls': 'public class K {}', 'pkg3/main/default/classes/K.cls-meta.xml': xml('ApexClass', '    <apiVersion>62.0</apiVersion>\n    <status>Active</status>') };
    let repo: TestRepo;
    const folders: string[] = [];
    before(() => {
      repo = new TestRepo();
      repo.commit({ 'sfdx-project.json': three, ...classInPkg3, [main]: xml('CustomLabels', label('A', 'a')), [pkg2]: xml('CustomLabels', label('B', 'b')) });
      repo.commit({ [pkg3]: xml('CustomLabels', `${label('C', 'c')}\n${label('D', 'd')}`) }, 'a third labels file');
      repo.commit({ [main]: xml('CustomLabels', `${label('A', 'a')}\n${label('B', 'b')}`), [pkg2]: null }, 'B moved into the first file, its own deleted');
      repo.commit({ [pkg3]: null, [pkg2]: xml('CustomLabels', `${label('C', 'c')}\n${label('D', 'd')}`) }, 'the third file moved to pkg2');
    });
    after(() => {
      repo.remove();
      for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    });

    it('adds the labels of a file added beside the others, and reports no rename of CustomLabels (folders and refs)', async () => {
      // Two folders, as `--from dir:<project> --to dir:<copy with a labels file in pkg3>` reads them.
      const checkout = (commit: string): string => {
        const folder = mkdtempSync(join(tmpdir(), 'sf-federate-labels-'));
        folders.push(folder);
        repo.git(`--work-tree=${folder}`, 'checkout', commit, '--', '.');
        return folder;
      };
      const [before, after] = [checkout('HEAD~3'), checkout('HEAD~2')];
      const [from, to] = await readSourcePair({ kind: 'dir', value: before, guessed: false }, { kind: 'dir', value: after, guessed: false }, { apiVersion: '62.0', projectDir: after });
      const folderChanges = await compareSnapshots(from, to, { registry: registryFor(after) });
      expect(keysOf(folderChanges.changes)).to.deep.equal(['added CustomLabel:C', 'added CustomLabel:D']);

      const added = await ourDelta(repo.dir, 'HEAD~3', 'HEAD~2');
      expect(keysOf(added.changeset.changes)).to.deep.equal(['added CustomLabel:C', 'added CustomLabel:D']);
      expect(added.manifests.members.package).to.deep.equal({ CustomLabel: ['C', 'D'] });
      const removed = await ourDelta(repo.dir, 'HEAD~2', 'HEAD~3');
      expect(keysOf(removed.changeset.changes)).to.deep.equal(['removed CustomLabel:C', 'removed CustomLabel:D']);
      expect(removed.manifests.members).to.deep.include({ package: {}, destructiveChangesPost: { CustomLabel: ['C', 'D'] } });
    });

    it('sees labels and files moved between package directories as no change, on the changed paths as on whole trees', async () => {
      // The org's labels are the same: SDR deploys one CustomLabels of them all.
      for (const [older, newer] of [['HEAD~2', 'HEAD~1'], ['HEAD~1', 'HEAD'], ['HEAD', 'HEAD~2']]) {
        // eslint-disable-next-line no-await-in-loop -- one range after the other
        expect(keysOf((await ourDelta(repo.dir, older, newer)).changeset.changes), `${older}..${newer}`).to.deep.equal([]);
      }
      const ranges = [['HEAD~3', 'HEAD~2'], ['HEAD~2', 'HEAD~3'], ['HEAD~2', 'HEAD~1'], ['HEAD~3', 'HEAD'], ['HEAD', 'HEAD~3']];
      const compared = await Promise.all(ranges.map(([older, newer]) => Promise.all([ourDelta(repo.dir, older, newer), wholeTreeChanges(repo.dir, older, newer)])));
      for (const [index, [fast, whole]] of compared.entries()) expect(keysOf(fast.changeset.changes), ranges[index].join('..')).to.deep.equal(keysOf(whole.changes));
    });
  });

  it('names the second file of a component that is not merged on deploy (a class in two package directories) as not compared', async () => {
    const repo = new TestRepo();
    try {
      const cls = (dir: string, body: string): Record<string, string> => ({
        [`${dir}/classes/Twice.cls`]: body,
        [`${dir}/classes/Twice.cls-meta.xml`]: xml('ApexClass', '    <apiVersion>62.0</apiVersion>\n    <status>Active</status>'),
      });
      repo.commit({ 'sfdx-project.json': project, ...cls(D, 'public class Twice {}'), ...cls('extra', 'public class Twice { }') });
      repo.commit(cls('extra', 'public class Twice { Integer i; }'), 'second copy changed');
      // Read whole, the tree holds both: the first package directory's is compared.
      const changeset = await wholeTreeChanges(repo.dir, 'HEAD~1', 'HEAD');
      expect(changeset.unclassified.map((file) => file.path)).to.deep.equal(['extra/classes/Twice.cls', 'extra/classes/Twice.cls-meta.xml']);
      expect(changeset.unclassified[0].reason).to.match(/^ApexClass Twice is also in force-app\/main\/default\/classes\/Twice\.cls-meta\.xml: only that file is compared/);
    } finally {
      repo.remove();
    }
  });
});

describe('labels decomposed by the first preset (decomposeCustomLabelsBeta)', () => {
  it('deletes a removed label by its Metadata API name, though the preset makes it unaddressable in the project', async () => {
    const repo = new TestRepo();
    try {
      const project = JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0', registryPresets: ['decomposeCustomLabelsBeta'] });
      const label = (name: string, value: string): Record<string, string> => ({
        [`${D}/labels/CustomLabels/${name}.label-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?>\n<CustomLabel xmlns="http://soap.sforce.com/2006/04/metadata">\n    <fullName>${name}</fullName>\n    <language>en_US</language>\n    <protected>false</protected>\n    <shortDescription>${name}</shortDescription>\n    <value>${value}</value>\n</CustomLabel>\n`,
      });
      repo.commit({ 'sfdx-project.json': project, [`${D}/labels/CustomLabels/CustomLabels.labels-meta.xml`]: xml('CustomLabels', ''), ...label('Keep', 'k'), ...label('Old', 'o') });
      repo.commit({ [`${D}/labels/CustomLabels/Old.label-meta.xml`]: null }, 'Old removed');
      const removed = await ourDelta(repo.dir, 'HEAD~1', 'HEAD');
      expect(removed.manifests.members.destructiveChangesPost).to.deep.equal({ CustomLabel: ['Old'] });
      expect(removed.manifests.members.package).to.deep.equal({});

      // A changed one still deploys through the CustomLabels file, as SDR lists it under this preset.
      repo.commit(label('Keep', 'k2'), 'Keep changed');
      const changed = await ourDelta(repo.dir, 'HEAD~1', 'HEAD');
      expect(changed.manifests.members.package).to.deep.equal({ CustomLabels: ['CustomLabels'] });
      expect(changed.manifests.members.destructiveChangesPost).to.deep.equal({});
    } finally {
      repo.remove();
    }
  });
});

describe('external services with their schema in a file of its own (decomposeExternalServiceRegistrationBeta)', () => {
  const esr = `${D}/externalServiceRegistrations/Petstore.externalServiceRegistration-meta.xml`;
  const schema = `${D}/externalServiceRegistrations/Petstore.yaml`;
  const registration = (description: string): string =>
    xml('ExternalServiceRegistration', `    <description>${description}</description>\n    <label>Petstore</label>\n    <namedCredentialReference>Petstore</namedCredentialReference>\n    <registrationProviderType>Custom</registrationProviderType>\n    <schemaType>OpenApi3</schemaType>\n    <schemaUploadFileExtension>yaml</schemaUploadFileExtension>\n    <status>Complete</status>\n    <systemVersion>3</systemVersion>`);
  const openApi = (title: string): string => `openapi: 3.0.0\ninfo:\n  title: ${title}\n  version: 1.0.0\npaths: {}\n`;

  it('reads the schema as part of the registration: a change to either is a change of it, and the delta tree holds both', async () => {
    const repo = new TestRepo();
    const out = mkdtempSync(join(tmpdir(), 'sf-federate-esr-'));
    try {
      const project = JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0', sourceBehaviorOptions: ['decomposeExternalServiceRegistrationBeta'] });
      repo.commit({ 'sfdx-project.json': project, [esr]: registration('Pets'), [schema]: openApi('Pets') });
      repo.commit({ [schema]: openApi('Pets v2') }, 'schema changed');
      const schemaOnly = await ourDelta(repo.dir, 'HEAD~1', 'HEAD');
      expect(schemaOnly.changeset.changes.map((change) => [change.kind, change.key, change.files])).to.deep.equal([['changed', 'ExternalServiceRegistration:Petstore', [schema]]]);
      expect(schemaOnly.changeset.unclassified).to.deep.equal([]);
      // The changed-paths-only read gives what whole trees give.
      expect((await wholeTreeChanges(repo.dir, 'HEAD~1', 'HEAD')).changes.map((change) => change.key)).to.deep.equal(['ExternalServiceRegistration:Petstore']);

      repo.commit({ [esr]: registration('Pets and more') }, 'description changed');
      const xmlOnly = await ourDelta(repo.dir, 'HEAD~1', 'HEAD');
      const { files } = await writeDeltaSources(xmlOnly.changeset, xmlOnly.to, out, { registry: xmlOnly.registry });
      expect(files).to.deep.equal([esr, schema]);
      // SDR's convert reads the schema by name: without it, it fails (ENOENT).
      expect(await convertLikeDeploy(out, xmlOnly.registry, `${out}-md`)).to.deep.equal(['ExternalServiceRegistration:Petstore']);
    } finally {
      repo.remove();
      rmSync(out, { recursive: true, force: true });
      rmSync(`${out}-md`, { recursive: true, force: true });
    }
  });
});
