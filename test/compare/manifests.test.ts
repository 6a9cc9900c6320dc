import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { ComponentSet, DestructiveChangesType, RegistryAccess } from '@salesforce/source-deploy-retrieve';
import { buildManifests, notDeletableReason, writeManifests, type ManifestMembers, type Manifests } from '../../src/compare/manifests.js';
import type { Change, Changeset } from '../../src/compare/types.js';
import { registryFor } from '../../src/metadata/registry.js';
import type { SourceInfo } from '../../src/metadata/types.js';

const source = (spec: string): SourceInfo => ({ kind: 'dir', spec, label: spec.slice(4), format: 'source' });
const registry = registryFor();

function changeset(...changes: Array<Partial<Change> & Pick<Change, 'key' | 'kind'>>): Changeset {
  return {
    from: source('dir:from'),
    to: source('dir:to'),
    apiVersion: '62.0',
    changes: changes.map((change) => {
      const at = change.key.indexOf(':');
      return { type: change.key.slice(0, at), fullName: change.key.slice(at + 1), elements: [], ...change };
    }),
    unclassified: [],
    warnings: [],
  };
}

const build = (set: Changeset, reg: RegistryAccess = registry): Manifests => buildManifests(set, { apiVersion: '62.0', registry: reg });

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'sf-federate-manifests-'));
});
after(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
/** Makes a folder impossible to move: immutable for root (who ignores permissions), read-only for anyone else. */
function lock(path: string, on: boolean): void {
  if (process.getuid?.() === 0) execFileSync('chattr', [on ? '+i' : '-i', path]);
  else chmodSync(path, on ? 0o555 : 0o755);
}
const freshDir = (): string => join(root, `out-${++count}`);

function membersOf(object: { Package: { types: Array<{ name: string; members: string[] }>; version: string } }): ManifestMembers {
  return Object.fromEntries(object.Package.types.map((type) => [type.name, type.members]));
}

/** Reads what was written back through SDR, as `sf project deploy start --manifest … --pre/--post-destructive-changes` would. */
async function readBack(dir: string): Promise<{ package: ManifestMembers; pre: ManifestMembers; post: ManifestMembers; version: string }> {
  const pre = join(dir, 'destructiveChangesPre.xml');
  const post = join(dir, 'destructiveChangesPost.xml');
  const set = await ComponentSet.fromManifest({
    manifestPath: join(dir, 'package.xml'),
    forceAddWildcards: false,
    registry,
    ...(existsSync(pre) ? { destructivePre: pre } : {}),
    ...(existsSync(post) ? { destructivePost: post } : {}),
  });
  const object = await set.getObject();
  return {
    package: membersOf(object),
    pre: existsSync(pre) ? membersOf(await set.getObject(DestructiveChangesType.PRE)) : {},
    post: existsSync(post) ? membersOf(await set.getObject(DestructiveChangesType.POST)) : {},
    version: object.Package.version,
  };
}

describe('buildManifests + writeManifests', () => {
  it('lists added, changed and renamed in package.xml, removed in destructiveChangesPost.xml, read back by SDR', async () => {
    const manifests = build(
      changeset(
        { key: 'ApexClass:NewService', kind: 'added' },
        { key: 'ApexClass:AService', kind: 'changed' },
        { key: 'Flow:Onboarding', kind: 'renamed' },
        { key: 'CustomField:Account.Region__c', kind: 'added', parent: 'CustomObject:Account' },
        { key: 'ApexClass:OldService', kind: 'removed' },
        { key: 'CustomField:Account.Legacy__c', kind: 'removed', parent: 'CustomObject:Account' },
      ),
    );
    const dir = freshDir();
    const files = await writeManifests(dir, manifests);
    expect(files).to.deep.equal([
      'destructiveChanges/destructiveChangesPost.xml',
      'destructiveChanges/package.xml',
      'destructiveChangesPost.xml',
      'package.xml',
    ]);
    const back = await readBack(dir);
    expect(back.version).to.equal('62.0');
    expect(back.package).to.deep.equal({ ApexClass: ['AService', 'NewService'], CustomField: ['Account.Region__c'], Flow: ['Onboarding'] });
    expect(back.post).to.deep.equal({ ApexClass: ['OldService'], CustomField: ['Account.Legacy__c'] });
    expect(back.pre).to.deep.equal({});
    expect(manifests.members.destructiveChangesPost).to.deep.equal(back.post);
  });

  it('writes an empty companion package.xml beside copies of the destructive manifests, for a delete-only deploy', async () => {
    const dir = freshDir();
    await writeManifests(dir, build(changeset({ key: 'ApexClass:NewService', kind: 'added' }, { key: 'ApexClass:OldService', kind: 'removed' })));
    const back = await readBack(join(dir, 'destructiveChanges'));
    expect(back.package).to.deep.equal({});
    expect(back.post).to.deep.equal({ ApexClass: ['OldService'] });
    expect(readFileSync(join(dir, 'destructiveChanges', 'package.xml'), 'utf8')).not.to.include('<types>');
  });

  it('writes only package.xml when nothing is removed', async () => {
    const dir = freshDir();
    expect(await writeManifests(dir, build(changeset({ key: 'ApexClass:NewService', kind: 'added' })))).to.deep.equal(['package.xml']);
    expect(readdirSync(dir)).to.deep.equal(['package.xml']);
  });

  it('writes the XML as SDR does: declaration, namespace, 4-space indent, code-point order, escaped members', () => {
    const manifests = build(
      changeset(
        { key: 'Layout:Account-Account %28R&D%29 Layout', kind: 'added' },
        { key: 'ApexClass:b', kind: 'added' },
        { key: 'ApexClass:B', kind: 'added' },
        { key: 'ApexClass:a_c', kind: 'added' },
      ),
    );
    expect(manifests.packageXml).to.equal(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<Package xmlns="http://soap.sforce.com/2006/04/metadata">',
        '    <types>',
        '        <members>B</members>',
        '        <members>a_c</members>',
        '        <members>b</members>',
        '        <name>ApexClass</name>',
        '    </types>',
        '    <types>',
        '        <members>Account-Account %28R&amp;D%29 Layout</members>',
        '        <name>Layout</name>',
        '    </types>',
        '    <version>62.0</version>',
        '</Package>',
        '',
      ].join('\n'),
    );
  });

  it('reads back a member with XML special characters unchanged', async () => {
    const dir = freshDir();
    await writeManifests(dir, build(changeset({ key: 'Layout:Account-R&D <"Q\'s"> Layout', kind: 'added' })));
    expect((await readBack(dir)).package).to.deep.equal({ Layout: ['Account-R&D <"Q\'s"> Layout'] });
  });

  it('uses the registry spelling of type names', () => {
    expect(build(changeset({ key: 'apexclass:Foo', kind: 'added', type: 'apexclass' })).members.package).to.deep.equal({ ApexClass: ['Foo'] });
  });

  it('lists a changed in-file child as itself, whether reported on its own or as elements of its parent', async () => {
    const manifests = build(
      changeset(
        { key: 'CustomLabel:Greeting', kind: 'changed', parent: 'CustomLabels:CustomLabels', elements: [{ path: 'value', kind: 'changed', before: 'Hi', after: 'Hello' }] },
        {
          key: 'Workflow:Account',
          kind: 'changed',
          elements: [
            { path: 'alerts[fullName=A1]/description', kind: 'changed', before: 'x', after: 'y' },
            { path: 'rules[fullName=R1]', kind: 'added', after: '<rules>…</rules>' },
            { path: 'alerts[fullName=Old]', kind: 'removed', before: '<alerts>…</alerts>' },
          ],
        },
        { key: 'CustomLabels:CustomLabels', kind: 'changed', elements: [{ path: 'labels[fullName=Bye]', kind: 'removed', before: '<labels/>' }] },
      ),
    );
    const dir = freshDir();
    await writeManifests(dir, manifests);
    const back = await readBack(dir);
    expect(back.package).to.deep.equal({ CustomLabel: ['Greeting'], WorkflowAlert: ['Account.A1'], WorkflowRule: ['Account.R1'] });
    expect(back.post).to.deep.equal({ CustomLabel: ['Bye'], WorkflowAlert: ['Account.Old'] });
  });

  it('lists the parent when a changed element is not a child of its own (a Workflow-level element)', () => {
    const manifests = build(changeset({ key: 'Workflow:Account', kind: 'changed', elements: [{ path: 'fullName', kind: 'changed', before: 'a', after: 'b' }] }));
    expect(manifests.members.package).to.deep.equal({ Workflow: ['Account'] });
  });

  it('lists the Profile for a change of its permissions, and the PermissionSet for a decomposed part of it', () => {
    const profile = build(
      changeset({ key: 'Profile:Sales', kind: 'changed', elements: [{ path: 'fieldPermissions[field=Account.Region__c]/editable', kind: 'changed', before: 'true', after: 'false' }] }),
    );
    expect(profile.members.package).to.deep.equal({ Profile: ['Sales'] });
    expect(profile.destructiveChangesPost).to.equal(undefined);

    const project = join(root, 'decomposed-ps');
    mkdirSync(project);
    writeFileSync(join(project, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0', registryPresets: ['decomposePermissionSetBeta2'] }));
    const decomposed = new RegistryAccess(undefined, project);
    const manifests = build(
      changeset(
        { key: 'ObjectSettings:Sales.Account', kind: 'removed', parent: 'PermissionSet:Sales' },
        { key: 'FieldPermission:Sales.Account.Region__c', kind: 'changed', parent: 'PermissionSet:Sales' },
      ),
      decomposed,
    );
    expect(manifests.members.package).to.deep.equal({ PermissionSet: ['Sales'] });
    expect(manifests.destructiveChangesPost).to.equal(undefined);
  });

  it('lists a folder under its content type, as SDR does, and SDR reads it back', async () => {
    expect(build(changeset({ key: 'DocumentFolder:Shared', kind: 'added' })).members.package).to.deep.equal({ Document: ['Shared'] });
    const manifests = build(changeset({ key: 'ReportFolder:Sales', kind: 'added' }, { key: 'Report:Sales/Pipeline', kind: 'added' }));
    expect(manifests.members.package).to.deep.equal({ Report: ['Sales/', 'Sales/Pipeline'] });
    const dir = freshDir();
    await writeManifests(dir, manifests);
    expect((await readBack(dir)).package).to.deep.equal({ Report: ['Sales/', 'Sales/Pipeline'] });
  });

  it('leaves out the removed children of a removed parent, but keeps those of a parent that cannot be deleted', () => {
    const manifests = build(
      changeset(
        { key: 'CustomObject:Invoice__c', kind: 'removed' },
        { key: 'CustomField:Invoice__c.Total__c', kind: 'removed', parent: 'CustomObject:Invoice__c' },
        { key: 'CustomObject:Account', kind: 'removed' },
        { key: 'CustomField:Account.Region__c', kind: 'removed', parent: 'CustomObject:Account' },
      ),
    );
    expect(manifests.members.destructiveChangesPost).to.deep.equal({ CustomField: ['Account.Region__c'], CustomObject: ['Invoice__c'] });
    expect(manifests.notDeletable.map((entry) => `${entry.type}:${entry.fullName}`)).to.deep.equal(['CustomObject:Account']);
  });

  it('deletes a removed Workflow or CustomLabels file through its entries, which the API deletes, not the file', () => {
    const manifests = build(
      changeset(
        { key: 'Workflow:Case', kind: 'removed' },
        { key: 'WorkflowRule:Case.Escalate', kind: 'removed', parent: 'Workflow:Case' },
        { key: 'WorkflowAlert:Case.Notify', kind: 'removed', parent: 'Workflow:Case' },
        { key: 'CustomLabels:CustomLabels', kind: 'removed' },
        { key: 'CustomLabel:Greeting', kind: 'removed', parent: 'CustomLabels:CustomLabels' },
      ),
    );
    expect(manifests.members.destructiveChangesPost).to.deep.equal({ CustomLabel: ['Greeting'], WorkflowAlert: ['Case.Notify'], WorkflowRule: ['Case.Escalate'] });
    expect(manifests.notDeletable.map((entry) => `${entry.type}:${entry.fullName}`)).to.deep.equal(['CustomLabels:CustomLabels', 'Workflow:Case']);
  });

  it('deletes first (pre) a component whose API name an added component of another type re-uses', async () => {
    const manifests = build(
      changeset(
        { key: 'AuraDefinitionBundle:banner', kind: 'removed' },
        { key: 'LightningComponentBundle:banner', kind: 'added' },
        { key: 'ApexClass:OldService', kind: 'removed' },
      ),
    );
    const dir = freshDir();
    const files = await writeManifests(dir, manifests);
    expect(files).to.include.members(['destructiveChangesPre.xml', 'destructiveChangesPost.xml', 'destructiveChanges/destructiveChangesPre.xml']);
    const back = await readBack(dir);
    expect(back.pre).to.deep.equal({ AuraDefinitionBundle: ['banner'] });
    expect(back.post).to.deep.equal({ ApexClass: ['OldService'] });
    expect(back.package).to.deep.equal({ LightningComponentBundle: ['banner'] });
  });

  it('deletes after the deploy (post) a component whose name a changed component of another type has', () => {
    // lwc-recipes: each tab shares its name with its FlexiPage. Page `Hello` renamed to `Hello_World`, tab `Hello`
    // re-pointed: deleting the page before the deploy fails, as the org's tab still uses it.
    const manifests = build(
      changeset(
        { key: 'FlexiPage:Hello', kind: 'removed' },
        { key: 'FlexiPage:Hello_World', kind: 'added' },
        { key: 'CustomTab:Hello', kind: 'changed' },
      ),
    );
    expect(manifests.destructiveChangesPre).to.equal(undefined);
    expect(manifests.members.destructiveChangesPost).to.deep.equal({ FlexiPage: ['Hello'] });
    expect(manifests.members.package).to.deep.equal({ CustomTab: ['Hello'], FlexiPage: ['Hello_World'] });
  });

  it('does not delete the old spelling of a case-only rename, and says why', () => {
    const manifests = build(changeset({ key: 'ApexClass:myService', kind: 'removed' }, { key: 'ApexClass:MyService', kind: 'added' }));
    expect(manifests.destructiveChangesPost).to.equal(undefined);
    expect(manifests.destructiveChangesPre).to.equal(undefined);
    expect(manifests.notDeletable).to.have.length(1);
    expect(manifests.notDeletable[0]).to.include({ type: 'ApexClass', fullName: 'myService' });
    expect(manifests.notDeletable[0].reason).to.include('myService → MyService');
  });
});

describe('types the Metadata API cannot delete', () => {
  const cannot: Array<[string, string, string]> = [
    ['StandardValueSet', 'LeadSource', 'Standard value sets'],
    ['Settings', 'Account', 'Settings are one per org'],
    ['AccountForecastSettings', 'AccountForecastSettings', 'Settings are one per org'],
    ['Translations', 'zh_CN', 'Translations'],
    ['CustomObjectTranslation', 'Account-zh_CN', 'Translations'],
    ['GlobalValueSetTranslation', 'Colors-zh_CN', 'Translations'],
    ['StandardValueSetTranslation', 'LeadSource-zh_CN', 'Translations'],
    ['CustomObject', 'Account', 'standard object'],
    ['CustomField', 'Account.Industry', 'standard field'],
    ['Profile', 'Admin', 'standard profile'],
    ['Profile', 'Standard', 'standard profile'],
    ['Profile', 'Minimum Access - Salesforce', 'standard profile'],
    ['RecordType', 'Property__c.Commercial', 'record type cannot be deleted'],
    ['Workflow', 'Case', 'deleted one by one'],
    ['CustomLabels', 'CustomLabels', 'deleted one by one'],
    ['SharingRules', 'Account', 'deleted one by one'],
    ['AssignmentRules', 'Case', 'deleted one by one'],
    ['AutoResponseRules', 'Case', 'deleted one by one'],
    ['EscalationRules', 'Case', 'deleted one by one'],
    ['MatchingRules', 'Account', 'deleted one by one'],
    ['ManagedTopics', 'ManagedTopics', 'deleted one by one'],
  ];
  for (const [type, fullName, reason] of cannot) {
    it(`reports ${type}:${fullName} and lists it in no destructive manifest`, () => {
      const manifests = build(changeset({ key: `${type}:${fullName}`, kind: 'removed' }));
      expect(manifests.notDeletable).to.have.length(1);
      expect(manifests.notDeletable[0]).to.include({ type, fullName });
      expect(manifests.notDeletable[0].reason).to.include(reason);
      expect(manifests.destructiveChangesPost).to.equal(undefined);
      expect(manifests.destructiveChangesPre).to.equal(undefined);
      expect(manifests.emptyPackageXml).to.equal(undefined);
    });
  }

  const can: Array<[string, string]> = [
    ['CustomObject', 'Invoice__c'],
    ['CustomObject', 'Region__mdt'],
    ['CustomObject', 'Order_Placed__e'],
    ['CustomField', 'Account.Region__c'],
    ['CustomField', 'Region__mdt.Code__c'],
    ['Profile', 'China Sales'],
    ['GlobalValueSet', 'Colors'],
  ];
  for (const [type, fullName] of can) {
    it(`deletes ${type}:${fullName}`, () => {
      expect(notDeletableReason(type, fullName)).to.equal(undefined);
      expect(build(changeset({ key: `${type}:${fullName}`, kind: 'removed' })).members.destructiveChangesPost).to.deep.equal({ [type]: [fullName] });
    });
  }
});

describe('writeManifests, all or nothing', () => {
  it('replaces the manifests of an earlier run, removes stale ones, and leaves other files alone', async () => {
    const dir = freshDir();
    await writeManifests(dir, build(changeset({ key: 'ApexClass:Old', kind: 'removed' })));
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await writeManifests(dir, build(changeset({ key: 'ApexClass:New', kind: 'added' })));
    expect(readdirSync(dir).sort()).to.deep.equal(['notes.txt', 'package.xml']);
    expect((await readBack(dir)).package).to.deep.equal({ ApexClass: ['New'] });
  });

  it('leaves nothing behind when the output folder cannot be written, and no temporary folder beside it', async () => {
    const parent = join(root, 'blocked');
    mkdirSync(parent);
    const dir = join(parent, 'out');
    writeFileSync(dir, 'a file where the folder should be');
    let failed = false;
    try {
      await writeManifests(join(dir, 'inner'), build(changeset({ key: 'ApexClass:New', kind: 'added' })));
    } catch {
      failed = true;
    }
    expect(failed).to.equal(true);
    expect(readdirSync(parent)).to.deep.equal(['out']);
    expect(readFileSync(dir, 'utf8')).to.equal('a file where the folder should be');
  });

  it('puts the earlier manifests back when replacing them fails midway', async () => {
    const dir = freshDir();
    await writeManifests(dir, build(changeset({ key: 'ApexClass:Kept', kind: 'added' }, { key: 'ApexClass:Old', kind: 'removed' })));
    const before = Object.fromEntries(['package.xml', 'destructiveChangesPost.xml'].map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
    // package.xml and destructiveChangesPost.xml move aside first; the folder destructiveChanges/ cannot be moved.
    const locked = join(dir, 'destructiveChanges');
    lock(locked, true);
    let failed = false;
    try {
      await writeManifests(dir, build(changeset({ key: 'ApexClass:Other', kind: 'added' })));
    } catch {
      failed = true;
    } finally {
      lock(locked, false);
    }
    expect(failed).to.equal(true);
    expect(readdirSync(dir).sort()).to.deep.equal(['destructiveChanges', 'destructiveChangesPost.xml', 'package.xml']);
    for (const [name, text] of Object.entries(before)) expect(readFileSync(join(dir, name), 'utf8')).to.equal(text);
    expect(readdirSync(root).filter((name) => name.includes('.manifests-'))).to.deep.equal([]);
  });
});
