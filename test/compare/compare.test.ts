import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { compareSnapshots } from '../../src/compare/compare.js';
import type { Change, Changeset } from '../../src/compare/types.js';
import type { Component, Snapshot, SnapshotFile } from '../../src/metadata/types.js';
import { edit, snapshotOf, TempDirs } from './support.js';

const D = 'force-app/main/default';
const OBJ = `${D}/objects/Account`;
const I8 = '\n        ';

type Edit = readonly [path: string, before: string, after: string];

/** One element changed in one component: the exact change compare must report. */
type Case = {
  readonly family: string;
  readonly edits: readonly Edit[];
  readonly key: string;
  readonly parent?: string;
  readonly path: string;
  readonly before?: string;
  readonly after?: string;
  readonly kind?: 'added' | 'removed' | 'changed';
};

describe('compareSnapshots', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let base: Snapshot;

  before(async () => {
    base = await snapshotOf(temp.copy('project'));
  });
  after(() => temp.cleanup());

  async function diffAfter(edits: readonly Edit[], options: { strict?: boolean } = {}): Promise<Changeset> {
    const dir = temp.copy('project');
    for (const [path, before, after] of edits) edit(dir, path, before, after);
    return compareSnapshots(base, await snapshotOf(dir), options);
  }

  function expectOne(changeset: Changeset, c: Case): void {
    expect(changeset.changes.map((change) => change.key)).to.deep.equal([c.key]);
    const change = changeset.changes[0];
    expect(change.kind).to.equal('changed');
    expect(change.parent).to.equal(c.parent);
    const element = { path: c.path, kind: c.kind ?? 'changed', ...(c.before !== undefined ? { before: c.before } : {}), ...(c.after !== undefined ? { after: c.after } : {}) };
    expect(change.elements).to.deep.equal([element]);
  }

  const cases: Case[] = [
    // Decomposed children of CustomObject: components of their own, parent CustomObject:Account.
    { family: 'CustomField', edits: [[`${OBJ}/fields/Region__c.field-meta.xml`, '<label>Region</label>', '<label>Sales Region</label>']], key: 'CustomField:Account.Region__c', parent: 'CustomObject:Account', path: 'label', before: 'Region', after: 'Sales Region' },
    { family: 'CustomField picklist value', edits: [[`${OBJ}/fields/Region__c.field-meta.xml`, '<label>APAC</label>', '<label>Asia Pacific</label>']], key: 'CustomField:Account.Region__c', parent: 'CustomObject:Account', path: 'valueSet/valueSetDefinition/value[fullName=APAC]/label', before: 'APAC', after: 'Asia Pacific' },
    { family: 'RecordType', edits: [[`${OBJ}/recordTypes/Retail.recordType-meta.xml`, '<default>true</default>', '<default>false</default>']], key: 'RecordType:Account.Retail', parent: 'CustomObject:Account', path: 'picklistValues[picklist=Region__c]/values[fullName=EMEA]/default', before: 'true', after: 'false' },
    { family: 'ValidationRule', edits: [[`${OBJ}/validationRules/Region_Required.validationRule-meta.xml`, 'Region is required.', 'Pick a region.']], key: 'ValidationRule:Account.Region_Required', parent: 'CustomObject:Account', path: 'errorMessage', before: 'Region is required.', after: 'Pick a region.' },
    { family: 'ListView (unkeyed list keeps its order)', edits: [[`${OBJ}/listViews/All.listView-meta.xml`, 'ACCOUNT.PHONE1', 'ACCOUNT.SITE']], key: 'ListView:Account.All', parent: 'CustomObject:Account', path: 'columns[2]', before: 'ACCOUNT.PHONE1', after: 'ACCOUNT.SITE' },
    { family: 'CompactLayout', edits: [[`${OBJ}/compactLayouts/Compact.compactLayout-meta.xml`, '<label>Compact</label>', '<label>Tight</label>']], key: 'CompactLayout:Account.Compact', parent: 'CustomObject:Account', path: 'label', before: 'Compact', after: 'Tight' },
    { family: 'WebLink', edits: [[`${OBJ}/webLinks/Map.webLink-meta.xml`, 'maps.google.com', 'maps.example.cn']], key: 'WebLink:Account.Map', parent: 'CustomObject:Account', path: 'url', before: 'https://maps.google.com/?q={!Account.BillingCity}', after: 'https://maps.example.cn/?q={!Account.BillingCity}' },
    { family: 'FieldSet', edits: [[`${OBJ}/fieldSets/Core.fieldSet-meta.xml`, 'Core fields', 'Key fields']], key: 'FieldSet:Account.Core', parent: 'CustomObject:Account', path: 'description', before: 'Core fields', after: 'Key fields' },
    { family: 'BusinessProcess', edits: [[`${OBJ}/businessProcesses/Sales.businessProcess-meta.xml`, '<default>true</default>', '<default>false</default>']], key: 'BusinessProcess:Account.Sales', parent: 'CustomObject:Account', path: 'values/default', before: 'true', after: 'false' },
    { family: 'SharingReason', edits: [[`${OBJ}/sharingReasons/Partner__c.sharingReason-meta.xml`, '<label>Partner</label>', '<label>Reseller</label>']], key: 'SharingReason:Account.Partner__c', parent: 'CustomObject:Account', path: 'label', before: 'Partner', after: 'Reseller' },
    { family: 'Index', edits: [[`${OBJ}/indexes/Region_Idx.index-meta.xml`, 'ASC', 'DESC']], key: 'Index:Account.Region_Idx', parent: 'CustomObject:Account', path: 'fields/sortDirection', before: 'ASC', after: 'DESC' },
    // In-file children SDR's registry knows: changes of their own, parent = the container.
    { family: 'CustomLabel', edits: [[`${D}/labels/CustomLabels.labels-meta.xml`, '<value>Hello</value>', '<value>Hi</value>']], key: 'CustomLabel:Greeting', parent: 'CustomLabels:CustomLabels', path: 'value', before: 'Hello', after: 'Hi' },
    { family: 'WorkflowAlert', edits: [[`${D}/workflows/Account.workflow-meta.xml`, 'Notify owner', 'Tell owner']], key: 'WorkflowAlert:Account.Notify_Owner', parent: 'Workflow:Account', path: 'description', before: 'Notify owner', after: 'Tell owner' },
    { family: 'WorkflowFieldUpdate', edits: [[`${D}/workflows/Account.workflow-meta.xml`, '<literalValue>EMEA</literalValue>', '<literalValue>APAC</literalValue>']], key: 'WorkflowFieldUpdate:Account.Set_Region', parent: 'Workflow:Account', path: 'literalValue', before: 'EMEA', after: 'APAC' },
    { family: 'WorkflowOutboundMessage', edits: [[`${D}/workflows/Account.workflow-meta.xml`, 'erp.example.com', 'erp.example.cn']], key: 'WorkflowOutboundMessage:Account.Sync_ERP', parent: 'Workflow:Account', path: 'endpointUrl', before: 'https://erp.example.com/sync', after: 'https://erp.example.cn/sync' },
    { family: 'WorkflowRule', edits: [[`${D}/workflows/Account.workflow-meta.xml`, '<active>true</active>', '<active>false</active>']], key: 'WorkflowRule:Account.New_Account', parent: 'Workflow:Account', path: 'active', before: 'true', after: 'false' },
    { family: 'WorkflowTask', edits: [[`${D}/workflows/Account.workflow-meta.xml`, '<priority>Normal</priority>', '<priority>High</priority>']], key: 'WorkflowTask:Account.Call_Customer', parent: 'Workflow:Account', path: 'priority', before: 'Normal', after: 'High' },
    { family: 'SharingCriteriaRule', edits: [[`${D}/sharingRules/Account.sharingRules-meta.xml`, '<accessLevel>Read</accessLevel>\n        <label>EMEA', '<accessLevel>Edit</accessLevel>\n        <label>EMEA']], key: 'SharingCriteriaRule:Account.EMEA_Accounts', parent: 'SharingRules:Account', path: 'accessLevel', before: 'Read', after: 'Edit' },
    { family: 'SharingOwnerRule', edits: [[`${D}/sharingRules/Account.sharingRules-meta.xml`, '<group>Support</group>', '<group>Service</group>']], key: 'SharingOwnerRule:Account.Sales_To_Support', parent: 'SharingRules:Account', path: 'sharedTo/group', before: 'Support', after: 'Service' },
    { family: 'AssignmentRule', edits: [[`${D}/assignmentRules/Case.assignmentRules-meta.xml`, '<assignedTo>Support</assignedTo>', '<assignedTo>Tier2</assignedTo>']], key: 'AssignmentRule:Case.Standard', parent: 'AssignmentRules:Case', path: 'ruleEntry/assignedTo', before: 'Support', after: 'Tier2' },
    { family: 'AutoResponseRule', edits: [[`${D}/autoResponseRules/Case.autoResponseRules-meta.xml`, '<senderName>Support</senderName>', '<senderName>Help</senderName>']], key: 'AutoResponseRule:Case.Web_Cases', parent: 'AutoResponseRules:Case', path: 'ruleEntry/senderName', before: 'Support', after: 'Help' },
    { family: 'EscalationRule', edits: [[`${D}/escalationRules/Case.escalationRules-meta.xml`, '<active>true</active>', '<active>false</active>']], key: 'EscalationRule:Case.Priority', parent: 'EscalationRules:Case', path: 'active', before: 'true', after: 'false' },
    { family: 'MatchingRule', edits: [[`${D}/matchingRules/Account.matchingRule-meta.xml`, '<label>Same name</label>', '<label>Identical name</label>']], key: 'MatchingRule:Account.Same_Name', parent: 'MatchingRules:Account', path: 'label', before: 'Same name', after: 'Identical name' },
    // Translations and CustomObjectTranslation: element changes of the container.
    { family: 'Translations customLabels', edits: [[`${D}/translations/zh_CN.translation-meta.xml`, '你好', '您好']], key: 'Translations:zh_CN', path: 'customLabels[name=Greeting]/label', before: '你好', after: '您好' },
    { family: 'Translations customApplications', edits: [[`${D}/translations/zh_CN.translation-meta.xml`, '<label>销售</label>', '<label>销售台</label>']], key: 'Translations:zh_CN', path: 'customApplications[name=Sales_Console]/label', before: '销售', after: '销售台' },
    { family: 'Translations customTabs', edits: [[`${D}/translations/zh_CN.translation-meta.xml`, '<label>区域</label>', '<label>地区</label>']], key: 'Translations:zh_CN', path: 'customTabs[name=Region__c]/label', before: '区域', after: '地区' },
    { family: 'Translations flowDefinitions', edits: [[`${D}/translations/zh_CN.translation-meta.xml`, '入职', '新员工']], key: 'Translations:zh_CN', path: 'flowDefinitions[fullName=Onboard]/flows/label', before: '入职', after: '新员工' },
    { family: 'Translations quickActions', edits: [[`${D}/translations/zh_CN.translation-meta.xml`, '<label>新建</label>', '<label>创建</label>']], key: 'Translations:zh_CN', path: 'quickActions[name=NewCase]/label', before: '新建', after: '创建' },
    { family: 'Translations reportTypes', edits: [[`${D}/translations/zh_CN.translation-meta.xml`, '<description>客户</description>', '<description>客户报表</description>']], key: 'Translations:zh_CN', path: 'reportTypes[name=Accounts]/description', before: '客户', after: '客户报表' },
    ...objectTranslationCases(),
    ...permissionCases('Profile:Sales', `${D}/profiles/Sales.profile-meta.xml`, ['tabVisibilities', 'DefaultOn', 'DefaultOff']),
    ...permissionCases('PermissionSet:Support', `${D}/permissionsets/Support.permissionset-meta.xml`, ['tabSettings', 'Visible', 'Available']),
  ];

  for (const c of cases) {
    it(`${c.family}: ${c.key} ${c.path}`, async () => {
      expectOne(await diffAfter(c.edits), c);
    });
  }

  it('Profile layoutAssignments are keyed by layout and record type', async () => {
    const path = `${D}/profiles/Sales.profile-meta.xml`;
    const added = `<layoutAssignments>${I8}<layout>Account-Wholesale</layout>${I8}<recordType>Account.Wholesale</recordType>\n    </layoutAssignments>\n    <tabVisibilities>`;
    const changeset = await diffAfter([[path, '<tabVisibilities>', added]]);
    expectOne(changeset, {
      family: '',
      edits: [],
      key: 'Profile:Sales',
      kind: 'added',
      path: 'layoutAssignments[layout=Account-Wholesale][recordType=Account.Wholesale]',
      after: '<layoutAssignments><layout>Account-Wholesale</layout><recordType>Account.Wholesale</recordType></layoutAssignments>',
    });
    const retail = await diffAfter([[path, '<recordType>Account.Retail</recordType>\n    </layoutAssignments>', `<recordType>Account.Retail</recordType>\n    </layoutAssignments>\n    <loginIpRanges>${I8}<endAddress>10.0.0.255</endAddress>${I8}<startAddress>10.0.0.1</startAddress>\n    </loginIpRanges>`]]);
    expect(retail.changes[0].elements.map((e) => e.path)).to.deep.equal(['loginIpRanges[startAddress=10.0.0.1][endAddress=10.0.0.255]']);
  });

  it('a decomposed permission set (registryPresets: decomposePermissionSetBeta2) reports the child file that changed', async () => {
    const from = temp.copy('decomposed-ps');
    const to = temp.copy('decomposed-ps');
    edit(to, 'force-app/main/default/permissionsets/Ops/objectSettings/Account.objectSettings-meta.xml', '<editable>true</editable>', '<editable>false</editable>');
    edit(to, 'force-app/main/default/permissionsets/Ops/Ops.userPermission-meta.xml', '<enabled>true</enabled>', '<enabled>false</enabled>');
    const changeset = await compareSnapshots(await snapshotOf(from), await snapshotOf(to));
    expect(changeset.changes.map((c) => [c.key, c.parent, c.kind, c.elements])).to.deep.equal([
      ['ObjectSettings:Ops.Account', 'PermissionSet:Ops', 'changed', [{ path: 'fieldPermissions[field=Account.Region__c]/editable', kind: 'changed', before: 'true', after: 'false' }]],
      ['UserPermission:Ops.Ops', 'PermissionSet:Ops', 'changed', [{ path: 'userPermissions[name=ApiEnabled]/enabled', kind: 'changed', before: 'true', after: 'false' }]],
    ]);
  });

  it('labels added and removed inside CustomLabels are changes of their own; the container is not reported', async () => {
    const path = `${D}/labels/CustomLabels.labels-meta.xml`;
    const farewell = `<labels>${I8}<fullName>Farewell</fullName>${I8}<language>en_US</language>${I8}<protected>false</protected>${I8}<shortDescription>Farewell</shortDescription>${I8}<value>Goodbye</value>\n    </labels>`;
    const welcome = `<labels>${I8}<fullName>Welcome</fullName>${I8}<language>en_US</language>${I8}<protected>false</protected>${I8}<shortDescription>Welcome</shortDescription>${I8}<value>Welcome</value>\n    </labels>`;
    const changeset = await diffAfter([[path, farewell, welcome]]);
    expect(changeset.changes.map((c) => [c.key, c.kind, c.parent, c.fromPaths, c.toPaths])).to.deep.equal([
      ['CustomLabel:Farewell', 'removed', 'CustomLabels:CustomLabels', [path], undefined],
      ['CustomLabel:Welcome', 'added', 'CustomLabels:CustomLabels', undefined, [path]],
    ]);
  });

  it('picklist values keep their display order: a reordering is a change of the value list', async () => {
    const path = `${OBJ}/fields/Region__c.field-meta.xml`;
    const emea = `<value>${I8}        <fullName>EMEA</fullName>${I8}        <default>false</default>${I8}        <label>EMEA</label>\n            </value>\n            `;
    const dir = temp.copy('project');
    edit(dir, path, emea, '');
    edit(dir, path, '</value>\n        </valueSetDefinition>', `</value>\n            ${emea.trimEnd()}\n        </valueSetDefinition>`);
    const changeset = await compareSnapshots(base, await snapshotOf(dir));
    expect(changeset.changes).to.have.length(1);
    expect(changeset.changes[0].elements).to.deep.equal([{ path: 'valueSet/valueSetDefinition/value', kind: 'changed', before: 'EMEA\nAPAC', after: 'APAC\nEMEA' }]);
  });

  describe('formatting', () => {
    const profile = `${D}/profiles/Sales.profile-meta.xml`;
    const region = `<fieldPermissions>${I8}<editable>true</editable>${I8}<field>Account.Region__c</field>${I8}<readable>true</readable>\n    </fieldPermissions>\n    `;
    const formatting: Edit[] = [
      // keyed element order (fieldPermissions), whitespace, self-closing vs empty, attribute order
      [profile, region, ''],
      [profile, '<flowAccesses>', `${region.trimEnd()}\n    <flowAccesses>`],
      [profile, '<userLicense>Salesforce</userLicense>', '<userLicense>Salesforce</userLicense><description/>'],
      [`${OBJ}/Account.object-meta.xml`, '<label>Account</label>', '<label>Account</label>\n\n\n        <description b="2" a="1"></description>'],
    ];

    it('whitespace, attribute order, self-closing tags and keyed element order are not changes', async () => {
      const from = temp.copy('project');
      edit(from, profile, '<userLicense>Salesforce</userLicense>', '<userLicense>Salesforce</userLicense><description></description>');
      edit(from, `${OBJ}/Account.object-meta.xml`, '<label>Account</label>', '<label>Account</label><description a="1" b="2"/>');
      const to = temp.copy('project');
      for (const [path, before, after] of formatting) edit(to, path, before, after);
      const a = await snapshotOf(from);
      const b = await snapshotOf(to);
      expect(b.components.get('Profile:Sales')!.hash).to.not.equal(a.components.get('Profile:Sales')!.hash);
      expect((await compareSnapshots(a, b)).changes).to.deep.equal([]);
      const strict = await compareSnapshots(a, b, { strict: true });
      expect(strict.changes.map((c) => [c.key, c.kind, c.formattingOnly, c.elements])).to.deep.equal([
        ['CustomObject:Account', 'changed', true, []],
        ['Profile:Sales', 'changed', true, []],
      ]);
    });
  });

  describe('line endings', () => {
    const crlf = (dir: string, path: string): void => {
      const file = join(dir, path);
      writeFileSync(file, readFileSync(file, 'latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
    };
    const resource = `${D}/staticresources/Logo.resource`;
    const addResource = (dir: string, body: Buffer): void => {
      mkdirSync(join(dir, D, 'staticresources'), { recursive: true });
      writeFileSync(join(dir, resource), body);
      writeFileSync(
        join(dir, `${resource}-meta.xml`),
        '<?xml version="1.0" encoding="UTF-8"?>\n<StaticResource xmlns="http://soap.sforce.com/2006/04/metadata">\n    <cacheControl>Private</cacheControl>\n    <contentType>application/octet-stream</contentType>\n</StaticResource>\n'
      );
    };

    // A Windows checkout (core.autocrlf) against its git ref: every text file differs in its line endings only.
    it('a text file whose versions differ only in CRLF against LF is formatting, shown with --strict', async () => {
      const from = temp.copy('project');
      const to = temp.copy('project');
      for (const path of [`${D}/classes/Hello.cls`, `${D}/lwc/greeting/greeting.js`, `${D}/lwc/greeting/greeting.html`, `${D}/classes/Hello.cls-meta.xml`]) crlf(to, path);
      const a = await snapshotOf(from);
      const b = await snapshotOf(to);
      expect(b.components.get('ApexClass:Hello')!.hash).to.not.equal(a.components.get('ApexClass:Hello')!.hash);
      expect((await compareSnapshots(a, b)).changes).to.deep.equal([]);
      const strict = await compareSnapshots(a, b, { strict: true });
      expect(strict.changes.map((c) => [c.key, c.kind, c.formattingOnly, c.files])).to.deep.equal([
        ['ApexClass:Hello', 'changed', true, undefined],
        ['LightningComponentBundle:greeting', 'changed', true, undefined],
      ]);
    });

    it('a real change under CRLF is listed, and the files that differ only in line endings are not', async () => {
      const from = temp.copy('project');
      const to = temp.copy('project');
      edit(to, `${D}/lwc/greeting/greeting.html`, 'Hello', 'Hi');
      for (const path of [`${D}/lwc/greeting/greeting.js`, `${D}/lwc/greeting/greeting.html`]) crlf(to, path);
      const changeset = await compareSnapshots(await snapshotOf(from), await snapshotOf(to));
      expect(changeset.changes.map((c) => [c.key, c.kind, c.formattingOnly, c.files])).to.deep.equal([
        ['LightningComponentBundle:greeting', 'changed', undefined, [`${D}/lwc/greeting/greeting.html`]],
      ]);
    });

    it('reads a changed content file only when the sizes leave room for a change of line endings alone', async () => {
      const reads: string[] = [];
      const counted = (snapshot: Snapshot): Snapshot => ({
        ...snapshot,
        components: new Map(
          [...snapshot.components].map(([key, component]) => [
            key,
            { ...component, content: component.content.map((file) => ({ ...file, read: (): Promise<Buffer> => (reads.push(file.path), file.read()) })) },
          ])
        ),
      });
      const from = temp.copy('project');
      const sameSize = temp.copy('project');
      edit(sameSize, `${D}/classes/Hello.cls`, "return 'Hello';", "return 'Hallo';");
      const longer = temp.copy('project');
      edit(longer, `${D}/classes/Hello.cls`, "return 'Hello';", "return 'Hello!';");
      const a = counted(await snapshotOf(from));
      for (const [to, expectedReads] of [[sameSize, 0], [longer, 2]] as const) {
        reads.length = 0;
        // eslint-disable-next-line no-await-in-loop
        const changeset = await compareSnapshots(a, counted(await snapshotOf(to)));
        expect(changeset.changes.map((c) => [c.key, c.files])).to.deep.equal([['ApexClass:Hello', [`${D}/classes/Hello.cls`]]]);
        expect(reads.filter((path) => path.endsWith('Hello.cls')), to).to.have.length(expectedReads);
      }
    });

    it('an XML file whose versions differ only in line endings is told without parsing it, a malformed one included', async () => {
      const meta = `${D}/classes/Hello.cls-meta.xml`;
      const from = temp.copy('project');
      // Not well-formed on either side: parsing it would be an error, so this passes only if it is not parsed.
      edit(from, meta, '</ApexClass>', '</ApexClas>');
      const to = temp.copy('project');
      edit(to, meta, '</ApexClass>', '</ApexClas>');
      crlf(to, meta);
      const a = await snapshotOf(from);
      const b = await snapshotOf(to);
      expect(b.components.get('ApexClass:Hello')!.xml!.hash).to.not.equal(a.components.get('ApexClass:Hello')!.xml!.hash);
      expect((await compareSnapshots(a, b)).changes).to.deep.equal([]);
      const strict = await compareSnapshots(a, b, { strict: true });
      expect(strict.changes.map((c) => [c.key, c.kind, c.formattingOnly, c.elements])).to.deep.equal([['ApexClass:Hello', 'changed', true, []]]);
    });

    it('a real change in an XML file under CRLF is listed with its elements', async () => {
      const from = temp.copy('project');
      const to = temp.copy('project');
      edit(to, `${OBJ}/Account.object-meta.xml`, '<label>Account</label>', '<label>Client</label>');
      crlf(to, `${OBJ}/Account.object-meta.xml`);
      const changeset = await compareSnapshots(await snapshotOf(from), await snapshotOf(to));
      expect(changeset.changes.map((c) => [c.key, c.kind, c.formattingOnly, c.elements.length > 0])).to.deep.equal([['CustomObject:Account', 'changed', undefined, true]]);
    });

    it('a binary file whose bytes differ in CRLF against LF is a change', async () => {
      const from = temp.copy('project');
      const to = temp.copy('project');
      addResource(from, Buffer.from([0x89, 0x50, 0x00, 0x0a, 0x41, 0x0a]));
      addResource(to, Buffer.from([0x89, 0x50, 0x00, 0x0d, 0x0a, 0x41, 0x0d, 0x0a]));
      const changeset = await compareSnapshots(await snapshotOf(from), await snapshotOf(to));
      expect(changeset.changes.map((c) => [c.key, c.kind, c.files])).to.deep.equal([['StaticResource:Logo', 'changed', [resource]]]);
    });
  });

  it("a bundle's files the .forceignore ignores (an LWC's __tests__) are neither content nor unclassified", async () => {
    const dir = temp.copy('project');
    writeFileSync(join(dir, '.forceignore'), '**/__tests__/**\n');
    mkdirSync(join(dir, `${D}/lwc/greeting/__tests__`));
    writeFileSync(join(dir, `${D}/lwc/greeting/__tests__/greeting.test.js`), "describe('greeting', () => {});\n");
    const snapshot = await snapshotOf(dir);
    expect(snapshot.unclassified).to.deep.equal([]);
    expect(snapshot.components.get('LightningComponentBundle:greeting')!.content.map((file) => file.path)).to.not.include(`${D}/lwc/greeting/__tests__/greeting.test.js`);
    expect((await compareSnapshots(base, snapshot)).changes).to.deep.equal([]);
  });

  it('a changed Apex body and a changed LWC file are listed in files', async () => {
    const changeset = await diffAfter([
      [`${D}/classes/Hello.cls`, "return 'Hello';", "return 'Hi';"],
      [`${D}/lwc/greeting/greeting.html`, 'Hello', 'Hi'],
    ]);
    expect(changeset.changes.map((c) => [c.key, c.kind, c.elements, c.files])).to.deep.equal([
      ['ApexClass:Hello', 'changed', [], [`${D}/classes/Hello.cls`]],
      ['LightningComponentBundle:greeting', 'changed', [], [`${D}/lwc/greeting/greeting.html`]],
    ]);
  });

  it('a file removed from a bundle, one added to it and one edited are listed with their kinds', async () => {
    const dir = temp.copy('project');
    rmSync(join(dir, `${D}/lwc/greeting/greeting.html`));
    writeFileSync(join(dir, `${D}/lwc/greeting/greeting.css`), ':host { display: block; }\n');
    edit(dir, `${D}/lwc/greeting/greeting.js`, '{}', '{ greeting = 1; }');
    const [change] = (await compareSnapshots(base, await snapshotOf(dir))).changes;
    expect(change.key).to.equal('LightningComponentBundle:greeting');
    expect(change.kind).to.equal('changed');
    expect(change.fileChanges).to.deep.equal([
      { path: `${D}/lwc/greeting/greeting.css`, kind: 'added' },
      { path: `${D}/lwc/greeting/greeting.html`, kind: 'removed' },
      { path: `${D}/lwc/greeting/greeting.js`, kind: 'changed' },
    ]);
    // `files` stays the plain list of paths it has always been, in the same order.
    expect(change.files).to.deep.equal(change.fileChanges!.map((file) => file.path));
  });

  it('direction is git’s: added in to only, removed in from only; a removed object takes its children along', async () => {
    const dir = temp.copy('project');
    rmSync(join(dir, OBJ), { recursive: true });
    writeFileSync(join(dir, `${D}/classes/Extra.cls`), 'public class Extra {}\n');
    writeFileSync(join(dir, `${D}/classes/Extra.cls-meta.xml`), '<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata"><apiVersion>62.0</apiVersion><status>Active</status></ApexClass>\n');
    const other = await snapshotOf(dir);
    const forward = await compareSnapshots(base, other);
    expect(forward.changes.map((c) => `${c.kind} ${c.key}`)).to.deep.equal(['added ApexClass:Extra', 'removed CustomObject:Account']);
    expect(forward.changes[1].fromPaths).to.deep.equal([`${OBJ}/Account.object-meta.xml`]);
    const backward = await compareSnapshots(other, base);
    expect(backward.changes.filter((c) => c.kind === 'removed').map((c) => c.key)).to.deep.equal(['ApexClass:Extra']);
    expect(backward.changes.filter((c) => c.kind === 'added').map((c) => c.key)).to.include.members(['CustomObject:Account', 'CustomField:Account.Region__c']);
  });

  it('an added CustomLabels file lists each of its labels as added', async () => {
    const dir = temp.copy('project');
    rmSync(join(dir, `${D}/labels`), { recursive: true });
    const changeset = await compareSnapshots(await snapshotOf(dir), base);
    expect(changeset.changes.map((c) => `${c.kind} ${c.key}`)).to.deep.equal(['added CustomLabel:Farewell', 'added CustomLabel:Greeting', 'added CustomLabels:CustomLabels']);
  });

  it("a DigitalExperience's _meta.json is JSON: a change to it is a change of the page, not malformed XML", async () => {
    const site = `${D}/digitalExperiences/site/Shop1`;
    const meta = (name: string): string => `{\n    "apiName": "${name}",\n    "type": "sfdc_cms__view",\n    "path": "views"\n}\n`;
    const files: Record<string, string> = {
      [`${site}/Shop1.digitalExperience-meta.xml`]: '<?xml version="1.0" encoding="UTF-8"?>\n<DigitalExperienceBundle xmlns="http://soap.sforce.com/2006/04/metadata">\n    <label>Shop1</label>\n</DigitalExperienceBundle>\n',
      [`${site}/sfdc_cms__view/home/_meta.json`]: meta('home'),
      [`${site}/sfdc_cms__view/home/content.json`]: '{\n    "type": "sfdc_cms__view",\n    "title": "Home"\n}\n',
    };
    const [before, after] = [temp.copy('project'), temp.copy('project')];
    for (const dir of [before, after]) {
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(join(dir, path, '..'), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
    }
    writeFileSync(join(after, `${site}/sfdc_cms__view/home/_meta.json`), meta('start'));
    const changeset = await compareSnapshots(await snapshotOf(before), await snapshotOf(after));
    expect(changeset.changes.map((c) => [c.kind, c.key, c.files])).to.deep.equal([
      ['changed', 'DigitalExperience:site/Shop1.sfdc_cms__view/home', [`${site}/sfdc_cms__view/home/_meta.json`]],
    ]);
  });

  it('a removed CustomLabels file lists each of its labels as removed, and a removed Workflow each of its entries', async () => {
    const dir = temp.copy('project');
    rmSync(join(dir, `${D}/labels`), { recursive: true });
    rmSync(join(dir, `${D}/workflows`), { recursive: true });
    const changeset = await compareSnapshots(base, await snapshotOf(dir));
    const removed = changeset.changes.map((c) => `${c.kind} ${c.key}${c.parent ? ` < ${c.parent}` : ''}`);
    expect(removed).to.include.members(['removed CustomLabel:Farewell < CustomLabels:CustomLabels', 'removed CustomLabel:Greeting < CustomLabels:CustomLabels', 'removed CustomLabels:CustomLabels']);
    expect(removed.filter((line) => line.includes('Workflow'))).to.deep.equal([
      'removed Workflow:Account',
      'removed WorkflowAlert:Account.Notify_Owner < Workflow:Account',
      'removed WorkflowFieldUpdate:Account.Set_Region < Workflow:Account',
      'removed WorkflowOutboundMessage:Account.Sync_ERP < Workflow:Account',
      'removed WorkflowRule:Account.New_Account < Workflow:Account',
      'removed WorkflowTask:Account.Call_Customer < Workflow:Account',
    ]);
  });

  it('an LWR site page without its _meta.json is reported as not compared, with the reason, and the read goes on', async () => {
    const dir = temp.copy('project');
    const page = `${D}/digitalExperiences/site/Shop1/sfdc_cms__view/home`;
    mkdirSync(join(dir, page), { recursive: true });
    writeFileSync(join(dir, `${D}/digitalExperiences/site/Shop1/Shop1.digitalExperience-meta.xml`), '<?xml version="1.0" encoding="UTF-8"?>\n<DigitalExperienceBundle xmlns="http://soap.sforce.com/2006/04/metadata">\n    <label>Shop1</label>\n</DigitalExperienceBundle>\n');
    writeFileSync(join(dir, `${page}/content.json`), '{\n    "type": "sfdc_cms__view"\n}\n');
    const snapshot = await snapshotOf(dir);
    expect(snapshot.unclassified).to.deep.equal([
      { path: `${page}/content.json`, reason: `${page}/_meta.json is missing: DigitalExperience site/Shop1.sfdc_cms__view/home cannot be deployed without it` },
    ]);
    expect(snapshot.components.has('DigitalExperienceBundle:site/Shop1')).to.equal(true);
  });

  it('a component with the same key and content at another path is renamed', async () => {
    const dir = temp.copy('project');
    mkdirSync(join(dir, 'force-app/main/shared/classes'), { recursive: true });
    for (const name of ['Hello.cls', 'Hello.cls-meta.xml']) renameSync(join(dir, `${D}/classes`, name), join(dir, 'force-app/main/shared/classes', name));
    const changeset = await compareSnapshots(base, await snapshotOf(dir));
    expect(changeset.changes).to.deep.equal([
      {
        key: 'ApexClass:Hello',
        type: 'ApexClass',
        fullName: 'Hello',
        kind: 'renamed',
        fromPaths: [`${D}/classes/Hello.cls-meta.xml`, `${D}/classes/Hello.cls`],
        toPaths: ['force-app/main/shared/classes/Hello.cls-meta.xml', 'force-app/main/shared/classes/Hello.cls'],
        elements: [],
      },
    ]);
  });

  describe('moves', () => {
    const move = (dir: string, toFolder: string): void => {
      mkdirSync(join(dir, toFolder), { recursive: true });
      for (const name of ['Hello.cls', 'Hello.cls-meta.xml']) renameSync(join(dir, `${D}/classes`, name), join(dir, toFolder, name));
    };

    it('a component moved into a package directory the `to` side adds is renamed', async () => {
      const dir = temp.copy('project');
      writeFileSync(join(dir, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }, { path: 'utils' }], sourceApiVersion: '62.0' }));
      move(dir, 'utils/main/default/classes');
      const changeset = await compareSnapshots(base, await snapshotOf(dir));
      expect(changeset.changes.map((c) => [c.kind, c.key, c.toPaths])).to.deep.equal([
        ['renamed', 'ApexClass:Hello', ['utils/main/default/classes/Hello.cls-meta.xml', 'utils/main/default/classes/Hello.cls']],
      ]);
    });

    it('a component moved and reformatted on the way (CRLF) is still renamed', async () => {
      const dir = temp.copy('project');
      move(dir, `${D}/classes/Greetings`);
      for (const name of ['Hello.cls', 'Hello.cls-meta.xml']) {
        const file = join(dir, `${D}/classes/Greetings`, name);
        writeFileSync(file, readFileSync(file, 'utf8').replace(/\r?\n/g, '\r\n'));
      }
      const changeset = await compareSnapshots(base, await snapshotOf(dir));
      expect(changeset.changes.map((c) => [c.kind, c.key])).to.deep.equal([['renamed', 'ApexClass:Hello']]);
    });
  });

  it('components with equal hashes are never read', async () => {
    const refuse = (file: SnapshotFile): SnapshotFile => ({ path: file.path, hash: file.hash, read: () => Promise.reject(new Error(`read ${file.path}`)) });
    const unreadable = (snapshot: Snapshot): Snapshot => {
      const components = new Map<string, Component>();
      for (const [key, c] of snapshot.components) components.set(key, { ...c, xml: c.xml && refuse(c.xml), content: c.content.map(refuse) });
      return { ...snapshot, components };
    };
    const changeset = await compareSnapshots(unreadable(base), unreadable(base), { strict: true });
    expect(changeset.changes).to.deep.equal([]);
    // …and the same refusing files are read as soon as hashes differ (the check above would catch a read).
    const dir = temp.copy('project');
    edit(dir, `${D}/labels/CustomLabels.labels-meta.xml`, 'Hello', 'Hi');
    let error: Error | undefined;
    await compareSnapshots(unreadable(base), await snapshotOf(dir)).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/CustomLabels\.labels-meta\.xml/);
  });

  it('malformed XML fails with the file, line and column', async () => {
    const dir = temp.copy('project');
    edit(dir, `${D}/profiles/Sales.profile-meta.xml`, '</userLicense>', '</userLicence>');
    let error: (Error & { exitCode?: number }) | undefined;
    await compareSnapshots(base, await snapshotOf(dir)).catch((e: Error) => (error = e));
    expect(error?.name).to.equal('MalformedXmlError');
    expect(error?.message).to.equal(
      `${join(dir, D, 'profiles/Sales.profile-meta.xml')}:69:28: malformed XML: Expected closing tag 'userLicense' (opened in line 69, col 5) instead of closing tag 'userLicence'.`
    );
    expect(error?.exitCode).to.equal(2);
  });

  it('changes are sorted by type, then full name', async () => {
    const changeset = await diffAfter([
      [`${D}/workflows/Account.workflow-meta.xml`, '<priority>Normal</priority>', '<priority>High</priority>'],
      [`${D}/labels/CustomLabels.labels-meta.xml`, '<value>Goodbye</value>', '<value>Bye</value>'],
      [`${D}/labels/CustomLabels.labels-meta.xml`, '<value>Hello</value>', '<value>Hi</value>'],
      [`${D}/classes/Hello.cls`, "'Hello'", "'Hi'"],
    ]);
    expect(changeset.changes.map((c: Change) => c.key)).to.deep.equal(['ApexClass:Hello', 'CustomLabel:Farewell', 'CustomLabel:Greeting', 'WorkflowTask:Account.Call_Customer']);
  });
});

function objectTranslationCases(): Case[] {
  const file = `${D}/objectTranslations/Account-zh_CN/Account-zh_CN.objectTranslation-meta.xml`;
  const key = 'CustomObjectTranslation:Account-zh_CN';
  const one = (family: string, before: string, after: string, path: string, b: string, a: string): Case => ({ family, edits: [[file, before, after]], key, path, before: b, after: a });
  return [
    one('CustomObjectTranslation caseValues', '<value>客户</value>', '<value>账户</value>', 'caseValues[plural=false]/value', '客户', '账户'),
    one('CustomObjectTranslation fieldSets', '<label>核心</label>', '<label>主要</label>', 'fieldSets[name=Core]/label', '核心', '主要'),
    one('CustomObjectTranslation layouts', '<label>信息</label>', '<label>详情</label>', 'layouts[layout=Account Layout]/sections[section=Information]/label', '信息', '详情'),
    one('CustomObjectTranslation recordTypes', '<label>零售</label>', '<label>零售业</label>', 'recordTypes[name=Retail]/label', '零售', '零售业'),
    one('CustomObjectTranslation sharingReasons', '<label>伙伴</label>', '<label>合作伙伴</label>', 'sharingReasons[name=Partner__c]/label', '伙伴', '合作伙伴'),
    one('CustomObjectTranslation validationRules', '区域必填。', '请选择区域。', 'validationRules[name=Region_Required]/errorMessage', '区域必填。', '请选择区域。'),
    one('CustomObjectTranslation webLinks', '<label>地图</label>', '<label>高德地图</label>', 'webLinks[name=Map]/label', '地图', '高德地图'),
    {
      family: 'CustomFieldTranslation picklistValues',
      edits: [[`${D}/objectTranslations/Account-zh_CN/Region__c.fieldTranslation-meta.xml`, '欧洲', '欧洲中东非洲']],
      key: 'CustomFieldTranslation:Account-zh_CN.Region__c',
      parent: key,
      path: 'picklistValues[masterLabel=EMEA]/translation',
      before: '欧洲',
      after: '欧洲中东非洲',
    },
  ];
}

function permissionCases(key: string, file: string, tab: readonly [string, string, string]): Case[] {
  const flip = (family: string, keyElement: string, path: string, field = 'enabled'): Case => ({
    family: `${key.split(':')[0]} ${family}`,
    edits: [[file, `${keyElement}${I8}<${field}>true</${field}>`, `${keyElement}${I8}<${field}>false</${field}>`]],
    key,
    path,
    before: 'true',
    after: 'false',
  });
  const flipAfter = (family: string, keyElement: string, path: string, field = 'enabled'): Case => ({
    family: `${key.split(':')[0]} ${family}`,
    edits: [[file, `<${field}>true</${field}>${I8}${keyElement}`, `<${field}>false</${field}>${I8}${keyElement}`]],
    key,
    path,
    before: 'true',
    after: 'false',
  });
  return [
    flip('applicationVisibilities', '<application>Sales_Console</application>', 'applicationVisibilities[application=Sales_Console]/visible', 'visible'),
    flip('classAccesses', '<apexClass>Hello</apexClass>', 'classAccesses[apexClass=Hello]/enabled'),
    flipAfter('customMetadataTypeAccesses', '<name>Region_Setting__mdt</name>', 'customMetadataTypeAccesses[name=Region_Setting__mdt]/enabled'),
    flipAfter('customPermissions', '<name>Approve_Discounts</name>', 'customPermissions[name=Approve_Discounts]/enabled'),
    flipAfter('customSettingAccesses', '<name>Org_Defaults__c</name>', 'customSettingAccesses[name=Org_Defaults__c]/enabled'),
    flipAfter('externalDataSourceAccesses', '<externalDataSource>ERP</externalDataSource>', 'externalDataSourceAccesses[externalDataSource=ERP]/enabled'),
    flipAfter('fieldPermissions', '<field>Account.Region__c</field>', 'fieldPermissions[field=Account.Region__c]/editable', 'editable'),
    flipAfter('flowAccesses', '<flow>Onboard</flow>', 'flowAccesses[flow=Onboard]/enabled'),
    flipAfter('objectPermissions', '<modifyAllRecords>false</modifyAllRecords>', 'objectPermissions[object=Account]/allowRead', 'allowRead'),
    flip('pageAccesses', '<apexPage>Welcome</apexPage>', 'pageAccesses[apexPage=Welcome]/enabled'),
    flip('recordTypeVisibilities', '<recordType>Account.Retail</recordType>', 'recordTypeVisibilities[recordType=Account.Retail]/visible', 'visible'),
    flipAfter('userPermissions', '<name>ApiEnabled</name>', 'userPermissions[name=ApiEnabled]/enabled'),
    {
      family: `${key.split(':')[0]} ${tab[0]}`,
      edits: [[file, `<visibility>${tab[1]}</visibility>`, `<visibility>${tab[2]}</visibility>`]],
      key,
      path: `${tab[0]}[tab=standard-Account]/visibility`,
      before: tab[1],
      after: tab[2],
    },
  ];
}
