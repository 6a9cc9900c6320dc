import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SfError } from '@salesforce/core';
import { expect } from 'chai';
import { compareAndWrite } from '../../src/compare/compare-and-write.js';
import { compareSnapshots } from '../../src/compare/compare.js';
import { isPruned, writeDeltaSources } from '../../src/compare/delta-sources.js';
import { readSourcePair } from '../../src/metadata/git/pair.js';
import { registryFor } from '../../src/metadata/registry.js';
import { readSource } from '../../src/metadata/sources/index.js';
import type { SourceSpec } from '../../src/metadata/sources/source.js';
import type { Snapshot } from '../../src/metadata/types.js';
import { DEFAULT_DIR as D, PROJECT_JSON, TempDirs, TestRepo, apexClass, convertLikeDeploy, customObject, field, labels, lwc, profile, xml } from './repo-helper.js';

const spec = (value: string): SourceSpec => ({ kind: 'git' as const, value, guessed: false });

function workflow(object: string, rules: Record<string, string>): Record<string, string> {
  const body = Object.entries(rules)
    .map(([name, description]) => `    <rules>\n        <fullName>${name}</fullName>\n        <active>true</active>\n        <description>${description}</description>\n        <formula>true</formula>\n        <triggerType>onCreateOnly</triggerType>\n    </rules>`)
    .join('\n');
  return { [`${D}/workflows/${object}.workflow-meta.xml`]: xml('Workflow', body) };
}

function sharingRules(object: string, rules: Record<string, string>): Record<string, string> {
  const body = Object.entries(rules)
    .map(
      ([name, label]) =>
        `    <sharingCriteriaRules>\n        <fullName>${name}</fullName>\n        <accessLevel>Read</accessLevel>\n        <label>${label}</label>\n        <sharedTo>\n            <allInternalUsers></allInternalUsers>\n        </sharedTo>\n        <criteriaItems>\n            <field>Name</field>\n            <operation>notEqual</operation>\n            <value>x</value>\n        </criteriaItems>\n        <includeRecordsOwnedByAll>true</includeRecordsOwnedByAll>\n    </sharingCriteriaRules>`
    )
    .join('\n');
  return { [`${D}/sharingRules/${object}.sharingRules-meta.xml`]: xml('SharingRules', body) };
}

function translation(language: string, labelsByName: Record<string, string>): Record<string, string> {
  const body = Object.entries(labelsByName)
    .map(([name, label]) => `    <customLabels>\n        <label>${label}</label>\n        <name>${name}</name>\n    </customLabels>`)
    .join('\n');
  return { [`${D}/translations/${language}.translation-meta.xml`]: xml('Translations', body) };
}

function fieldTranslation(object: string, language: string, name: string, label: string): Record<string, string> {
  return {
    [`${D}/objectTranslations/${object}-${language}/${object}-${language}.objectTranslation-meta.xml`]: xml('CustomObjectTranslation', '    <caseValues>\n        <plural>false</plural>\n        <value>Chose</value>\n    </caseValues>'),
    [`${D}/objectTranslations/${object}-${language}/${name}.fieldTranslation-meta.xml`]: xml('CustomFieldTranslation', `    <label>${label}</label>\n    <name>${name}</name>`),
  };
}

describe('delta sources (--copy-sources)', function () {
  this.timeout(60_000);
  let repo: TestRepo;
  const temps = new TempDirs();
  const temp = (prefix: string): string => temps.make(prefix);

  before(() => {
    repo = new TestRepo();
    repo.commit({
      'sfdx-project.json': PROJECT_JSON,
      ...apexClass('Keep'),
      ...apexClass('Gone'),
      ...customObject('Thing__c'),
      ...field('Thing__c', 'A__c'),
      ...field('Thing__c', 'B__c'),
      ...labels({ Hello: 'Hi', Bye: 'Bye', Same: 'Same' }),
      ...lwc('card'),
      ...profile('Sales', { 'Thing__c.A__c': true, 'Thing__c.B__c': false }),
      ...workflow('Thing__c', { First: 'one', Second: 'two' }),
      ...sharingRules('Thing__c', { ShareOne: 'One', ShareTwo: 'Two' }),
      ...translation('fr', { Hello: 'Salut', Bye: 'Au revoir' }),
      ...fieldTranslation('Thing__c', 'fr', 'A__c', 'A fr'),
    });
    repo.git('tag', 'from');
    repo.commit({
      ...apexClass('Keep', 'public class Keep { Integer changed; }'),
      [`${D}/classes/Gone.cls`]: null,
      [`${D}/classes/Gone.cls-meta.xml`]: null,
      ...field('Thing__c', 'A__c', 'A changed'),
      ...field('Thing__c', 'Parent__c', 'Parent', 'MasterDetail'),
      ...labels({ Hello: 'Hello', Same: 'Same', New: 'Nouveau' }),
      [`${D}/lwc/card/card.html`]: '<template><p>changed</p></template>\n',
      ...profile('Sales', { 'Thing__c.A__c': true, 'Thing__c.B__c': true }),
      ...workflow('Thing__c', { First: 'one', Second: 'two changed' }),
      ...sharingRules('Thing__c', { ShareOne: 'One changed', ShareTwo: 'Two' }),
      ...translation('fr', { Hello: 'Bonjour', Bye: 'Au revoir' }),
      ...fieldTranslation('Thing__c', 'fr', 'A__c', 'A fr changed'),
    });
    repo.git('tag', 'to');
  });
  after(() => {
    repo.remove();
    temps.removeAll();
  });

  it('writes a deployable tree of just the delta, in-file types pruned to what changed', async () => {
    const registry = registryFor(repo.dir);
    const [from, to] = await readSourcePair(spec('from'), spec('to'), { apiVersion: '62.0', projectDir: repo.dir });
    const changeset = await compareSnapshots(from, to, { registry });
    const out = temp('sf-federate-delta-');
    const { files } = await writeDeltaSources(changeset, to, out, { registry });

    expect(files).to.deep.equal([
      `${D}/classes/Keep.cls`,
      `${D}/classes/Keep.cls-meta.xml`,
      `${D}/labels/CustomLabels.labels-meta.xml`,
      `${D}/lwc/card/card.html`,
      `${D}/lwc/card/card.js`,
      `${D}/lwc/card/card.js-meta.xml`,
      `${D}/objectTranslations/Thing__c-fr/A__c.fieldTranslation-meta.xml`,
      `${D}/objectTranslations/Thing__c-fr/Thing__c-fr.objectTranslation-meta.xml`,
      `${D}/objects/Thing__c/Thing__c.object-meta.xml`,
      `${D}/objects/Thing__c/fields/A__c.field-meta.xml`,
      `${D}/objects/Thing__c/fields/Parent__c.field-meta.xml`,
      `${D}/profiles/Sales.profile-meta.xml`,
      `${D}/sharingRules/Thing__c.sharingRules-meta.xml`,
      `${D}/translations/fr.translation-meta.xml`,
      `${D}/workflows/Thing__c.workflow-meta.xml`,
    ]);
    expect(readdirSync(out).sort()).to.deep.equal(['force-app']); // no temp folder left behind

    const read = (path: string): string => readFileSync(join(out, D, path), 'utf8');
    const labelsXml = read('labels/CustomLabels.labels-meta.xml');
    expect(labelsXml).to.contain('<fullName>Hello</fullName>').and.to.contain('<fullName>New</fullName>');
    expect(labelsXml).to.not.contain('<fullName>Same</fullName>');
    const profileXml = read('profiles/Sales.profile-meta.xml');
    expect(profileXml).to.contain('<field>Thing__c.B__c</field>').and.to.contain('<userLicense>Salesforce</userLicense>').and.to.contain('<custom>true</custom>');
    expect(profileXml).to.not.contain('Thing__c.A__c');
    const workflowXml = read('workflows/Thing__c.workflow-meta.xml');
    expect(workflowXml).to.contain('<fullName>Second</fullName>').and.to.not.contain('<fullName>First</fullName>');
    const sharingXml = read('sharingRules/Thing__c.sharingRules-meta.xml');
    expect(sharingXml).to.contain('<fullName>ShareOne</fullName>').and.to.not.contain('ShareTwo');
    const translationXml = read('translations/fr.translation-meta.xml');
    expect(translationXml).to.contain('Bonjour').and.to.not.contain('Au revoir');
    // Unchanged content is copied byte for byte.
    expect(read('lwc/card/card.js')).to.equal('export default class {}');
    expect(read('classes/Keep.cls')).to.equal('public class Keep { Integer changed; }');

    const metadataDir = temp('sf-federate-delta-md-');
    const members = await convertLikeDeploy(out, registry, metadataDir);
    // SDR lists containers beside their children, as `sf project deploy start -d` would send them.
    expect(members).to.deep.equal([
      'ApexClass:Keep',
      'CustomField:Thing__c.A__c',
      'CustomField:Thing__c.Parent__c',
      'CustomLabel:Hello',
      'CustomLabel:New',
      'CustomLabels:CustomLabels',
      'CustomObject:Thing__c',
      'CustomObjectTranslation:Thing__c-fr',
      'LightningComponentBundle:card',
      'Profile:Sales',
      'SharingCriteriaRule:Thing__c.ShareOne',
      'SharingRules:Thing__c',
      'Translations:fr',
      'Workflow:Thing__c',
      'WorkflowRule:Thing__c.Second',
    ]);
    const objectXml = readFileSync(join(metadataDir, 'objects/Thing__c.object'), 'utf8');
    expect(objectXml).to.contain('<fullName>A__c</fullName>').and.to.contain('<fullName>Parent__c</fullName>').and.to.not.contain('<fullName>B__c</fullName>');
  });

  it('copies a folder source as it is on disk', async () => {
    const registry = registryFor(repo.dir);
    const [from, to] = await Promise.all([
      readSourcePair(spec('from'), spec('to'), { apiVersion: '62.0', projectDir: repo.dir }).then(([a]) => a),
      readSource({ kind: 'dir', value: '.', guessed: false }, { apiVersion: '62.0', projectDir: repo.dir }),
    ]);
    const changeset = await compareSnapshots(from, to, { registry });
    const out = temp('sf-federate-delta-dir-');
    const { files } = await writeDeltaSources(changeset, to, out, { registry });
    expect(files).to.include(`${D}/lwc/card/card.js`);
    expect(readFileSync(join(out, D, 'lwc/card/card.html'), 'utf8')).to.equal('<template><p>changed</p></template>\n');
  });

  it('cuts unchanged entries out of the text as it is, and parses what the scanner does not read', async () => {
    const other = new TestRepo();
    temps.keep(other.dir);
    const profileText = (bEditable: boolean): string =>
      '<?xml version="1.0" encoding="UTF-8"?>\n<Profile xmlns="http://soap.sforce.com/2006/04/metadata">\n    <!-- kept as written -->\n    <custom>true</custom>\n' +
      '    <fieldPermissions>\n        <editable>false</editable>\n        <field>Thing__c.A__c</field>\n        <readable>true</readable>\n    </fieldPermissions>\n' +
      `    <fieldPermissions><editable>${String(bEditable)}</editable><field>Thing__c.B__c</field><readable>true</readable></fieldPermissions>\n` +
      '    <userLicense>Salesforce &amp; Partners</userLicense>\n</Profile>\n';
    const translationText = (hello: string): string =>
      '<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet type="text/xsl" href="t.xsl"?>\n<Translations xmlns="http://soap.sforce.com/2006/04/metadata">\n' +
      `    <customLabels>\n        <label>${hello}</label>\n        <name>Hello</name>\n    </customLabels>\n    <customLabels>\n        <label>Au revoir</label>\n        <name>Bye</name>\n    </customLabels>\n</Translations>\n`;
    other.commit({
      'sfdx-project.json': PROJECT_JSON,
      [`${D}/profiles/Sales.profile-meta.xml`]: profileText(false),
      [`${D}/translations/fr.translation-meta.xml`]: translationText('Salut'),
    });
    other.commit({ [`${D}/profiles/Sales.profile-meta.xml`]: profileText(true), [`${D}/translations/fr.translation-meta.xml`]: translationText('Bonjour') });
    const registry = registryFor(other.dir);
    const [from, to] = await readSourcePair(spec('HEAD~1'), spec('HEAD'), { apiVersion: '62.0', projectDir: other.dir });
    const out = temp('sf-federate-delta-bytes-');
    await writeDeltaSources(await compareSnapshots(from, to, { registry }), to, out, { registry });

    // The unchanged entry is cut with the whitespace before it; every other byte is the file's own.
    const expected = profileText(true).replace(/\n {4}<fieldPermissions>\n {8}<editable>false[\s\S]*?<\/fieldPermissions>/, '');
    expect(readFileSync(join(out, D, 'profiles/Sales.profile-meta.xml'), 'utf8')).to.equal(expected);
    // A processing instruction is outside the scanner's subset: the parser prunes that file instead.
    const translationXml = readFileSync(join(out, D, 'translations/fr.translation-meta.xml'), 'utf8');
    expect(translationXml).to.contain('<label>Bonjour</label>').and.to.not.contain('Au revoir');
    const members = await convertLikeDeploy(out, registry, temp('sf-federate-delta-md-'));
    expect(members).to.deep.equal(['Profile:Sales', 'Translations:fr']);
  });

  it('leaves a profile or translation whose entries were only removed out of package.xml and the tree, and says why', async () => {
    const other = new TestRepo();
    temps.keep(other.dir);
    other.commit({
      'sfdx-project.json': PROJECT_JSON,
      ...profile('Sales', { 'Thing__c.A__c': true, 'Thing__c.B__c': false }),
      ...profile('Service', { 'Thing__c.A__c': true }),
      ...translation('de', { Hello: 'Hallo', Bye: 'Tschüss' }),
    });
    other.commit({
      ...profile('Sales', { 'Thing__c.A__c': true }), // an entry removed, nothing else
      ...profile('Service', { 'Thing__c.B__c': true }), // one removed, one added: deployed
      ...translation('de', { Hello: 'Hallo' }),
    });
    const registry = registryFor(other.dir);
    const [from, to] = await readSourcePair(spec('HEAD~1'), spec('HEAD'), { apiVersion: '62.0', projectDir: other.dir });
    const out = temp('sf-federate-delta-removed-entries-');
    const { manifests, written } = await compareAndWrite(from, to, { registry, apiVersion: '62.0', outputDir: out, copySources: true });

    expect(manifests.members.package).to.deep.equal({ Profile: ['Service'] });
    expect(manifests.destructiveChangesPost).to.equal(undefined);
    expect(manifests.notDeletable.map((entry) => [`${entry.type}:${entry.fullName}`, entry.reason.split(')')[0]])).to.deep.equal([
      ['Profile:Sales', 'Only entries were removed from this file (fieldPermissions[field=Thing__c.B__c]'],
      ['Translations:de', 'Only entries were removed from this file (customLabels[name=Bye]'],
    ]);
    // The tree and the manifest agree: what package.xml lists is there, and nothing else.
    expect(written!.files.filter((file) => file.startsWith(`${D}/`))).to.deep.equal([`${D}/profiles/Service.profile-meta.xml`]);
    expect(await convertLikeDeploy(out, registry, temp('sf-federate-delta-md-'))).to.deep.equal(['Profile:Service']);
  });

  it('writes the object translation of a removed field translation, which package.xml lists (the API knows it only through it)', async () => {
    const other = new TestRepo();
    temps.keep(other.dir);
    other.commit({ 'sfdx-project.json': PROJECT_JSON, ...fieldTranslation('Acc__c', 'ja', 'A__c', 'A'), ...fieldTranslation('Acc__c', 'ja', 'B__c', 'B') });
    other.commit({ [`${D}/objectTranslations/Acc__c-ja/B__c.fieldTranslation-meta.xml`]: null });
    const registry = registryFor(other.dir);
    const [from, to] = await readSourcePair(spec('HEAD~1'), spec('HEAD'), { apiVersion: '62.0', projectDir: other.dir });
    const out = temp('sf-federate-delta-field-translation-');
    const { changeset, manifests, written } = await compareAndWrite(from, to, { registry, apiVersion: '62.0', outputDir: out, copySources: true });

    expect(changeset.changes.map((change) => `${change.kind} ${change.key}`)).to.deep.equal(['removed CustomFieldTranslation:Acc__c-ja.B__c']);
    expect(manifests.members.package).to.deep.equal({ CustomObjectTranslation: ['Acc__c-ja'] });
    // The tree holds what package.xml lists: the object translation's own file, not its other field translations.
    expect(written!.files.filter((file) => file.startsWith(`${D}/`))).to.deep.equal([`${D}/objectTranslations/Acc__c-ja/Acc__c-ja.objectTranslation-meta.xml`]);
    expect(await convertLikeDeploy(out, registry, temp('sf-federate-delta-md-'))).to.deep.equal(['CustomObjectTranslation:Acc__c-ja']);
  });

  it('keeps the changed entries of a group whose keys repeat, which compare matches by position', async () => {
    // As NPSP's iw.translation-meta.xml has them: two quickActions named NewNote, so the group is compared by position.
    const other = new TestRepo();
    temps.keep(other.dir);
    const action = (label: string, name: string): string => `    <quickActions>\n        <label>${label}</label>\n        <name>${name}</name>\n    </quickActions>`;
    const text = (secondNote: string, campaign: string): string =>
      xml(
        'Translations',
        [
          '    <customLabels>\n        <label>Shalom</label>\n        <name>Hello</name>\n    </customLabels>',
          action('<!-- New Note -->', 'NewNote'),
          action(secondNote, 'NewNote'),
          action('<!-- New Task -->', 'NewTask'),
          action(campaign, 'New_Campaign'),
          action('Donation', 'New_Recurring_Donation'),
        ].join('\n')
      );
    other.commit({ 'sfdx-project.json': PROJECT_JSON, [`${D}/translations/iw.translation-meta.xml`]: text('<!-- NewNote -->', 'Campaign') });
    other.commit({ [`${D}/translations/iw.translation-meta.xml`]: text('Note', 'New campaign') });
    const registry = registryFor(other.dir);
    const [from, to] = await readSourcePair(spec('HEAD~1'), spec('HEAD'), { apiVersion: '62.0', projectDir: other.dir });
    const out = temp('sf-federate-delta-repeated-keys-');
    const { changeset, manifests } = await compareAndWrite(from, to, { registry, apiVersion: '62.0', outputDir: out, copySources: true });

    expect(changeset.changes.flatMap((change) => change.elements.map((element) => element.path))).to.deep.equal(['quickActions[2]/label', 'quickActions[4]/label']);
    expect(manifests.members.package).to.deep.equal({ Translations: ['iw'] });
    // Both changed entries, found by their place in the file; not the unchanged ones around them.
    expect(readFileSync(join(out, D, 'translations/iw.translation-meta.xml'), 'utf8')).to.equal(
      xml('Translations', [action('Note', 'NewNote'), action('New campaign', 'New_Campaign')].join('\n'))
    );
    expect(await convertLikeDeploy(out, registry, temp('sf-federate-delta-md-'))).to.deep.equal(['Translations:iw']);
  });

  it('adds and deletes the rules of an empty container file (<SharingRules/>) one by one', async () => {
    // dreamhouse-lwc's PartyConsent.sharingRules-meta.xml is such a file: its root is empty, which the parser reads as text.
    const other = new TestRepo();
    temps.keep(other.dir);
    const path = `${D}/sharingRules/PartyConsent.sharingRules-meta.xml`;
    const empty = '<?xml version="1.0" encoding="UTF-8"?>\n<SharingRules xmlns="http://soap.sforce.com/2006/04/metadata"/>\n';
    other.commit({ 'sfdx-project.json': PROJECT_JSON, [path]: empty });
    other.commit({ [path]: sharingRules('PartyConsent', { ShareA: 'A', ShareB: 'B' })[path] });
    other.commit({ [path]: empty });
    const registry = registryFor(other.dir);
    const run = async (fromRef: string, toRef: string): Promise<Awaited<ReturnType<typeof compareAndWrite>> & { out: string }> => {
      const [from, to] = await readSourcePair(spec(fromRef), spec(toRef), { apiVersion: '62.0', projectDir: other.dir });
      const out = temp('sf-federate-delta-empty-root-');
      return { ...(await compareAndWrite(from, to, { registry, apiVersion: '62.0', outputDir: out, copySources: true })), out };
    };

    const added = await run('HEAD~2', 'HEAD~1');
    expect(added.manifests.members.package).to.deep.equal({ SharingCriteriaRule: ['PartyConsent.ShareA', 'PartyConsent.ShareB'] });
    // The tree holds the rules package.xml lists, not an empty file.
    expect(readFileSync(join(added.out, path), 'utf8')).to.equal(sharingRules('PartyConsent', { ShareA: 'A', ShareB: 'B' })[path]);
    expect(await convertLikeDeploy(added.out, registry, temp('sf-federate-delta-md-'))).to.deep.equal([
      'SharingCriteriaRule:PartyConsent.ShareA',
      'SharingCriteriaRule:PartyConsent.ShareB',
      'SharingRules:PartyConsent',
    ]);

    const removed = await run('HEAD~1', 'HEAD');
    expect(removed.manifests.members.package).to.deep.equal({});
    expect(removed.manifests.members.destructiveChangesPost).to.deep.equal({ SharingCriteriaRule: ['PartyConsent.ShareA', 'PartyConsent.ShareB'] });
    expect(existsSync(join(removed.out, path))).to.equal(false);
  });

  it('starts pruning from the texts compare already cut, without reading those files again, to the same bytes', async () => {
    const registry = registryFor(repo.dir);
    const [from, to] = await readSourcePair(spec('from'), spec('to'), { apiVersion: '62.0', projectDir: repo.dir });
    const prunedTexts = new Map<string, string>();
    const changeset = await compareSnapshots(from, to, {
      registry,
      onPrunedTo: (component, text) => {
        if (isPruned(component, registry)) prunedTexts.set(component.xml!.path, text);
      },
    });
    // The profile, the labels, the workflow, the sharing rules and the translation each had an equal entry cut.
    expect([...prunedTexts.keys()].sort()).to.deep.equal(
      ['labels/CustomLabels.labels', 'profiles/Sales.profile', 'sharingRules/Thing__c.sharingRules', 'translations/fr.translation', 'workflows/Thing__c.workflow'].map((file) => `${D}/${file}-meta.xml`)
    );
    const whole = temp('sf-federate-delta-whole-');
    await writeDeltaSources(changeset, to, whole, { registry });

    // Those files cannot be read any more: the texts from compare must be what is pruned.
    const unreadable = new Map(
      [...to.components].map(([key, component]) => [
        key,
        component.xml && prunedTexts.has(component.xml.path) ? { ...component, xml: { ...component.xml, read: (): Promise<Buffer> => Promise.reject(new Error('read again')) } } : component,
      ])
    );
    const reused = temp('sf-federate-delta-reused-');
    const { files } = await writeDeltaSources(changeset, { ...to, components: unreadable }, reused, { registry, prunedTexts });
    for (const file of files) expect(readFileSync(join(reused, file), 'utf8'), file).to.equal(readFileSync(join(whole, file), 'utf8'));
    expect(files).to.include.members([...prunedTexts.keys()]);
  });

  /** `to` with every file read recorded in `reads`, in order, and `fail` making the reads of some paths fail. */
  /**
   * `to` with its files' reads recorded (and failed where `fail` says). The files are no longer marked as git blobs,
   * so they are copied on the main thread, through `read`; `inThread` keeps them marked, for the copy thread.
   */
  function watched(to: Snapshot, reads: string[], fail: (path: string) => boolean = (): boolean => false, inThread = false): Snapshot {
    const watch = <F extends { path: string; gitRepo?: string; read(): Promise<Buffer> }>(file: F): F => ({
      ...file,
      gitRepo: inThread ? file.gitRepo : undefined,
      read: (): Promise<Buffer> => {
        reads.push(file.path);
        return fail(file.path) ? Promise.reject(new Error(`cannot read ${file.path}`)) : file.read();
      },
    });
    const components = new Map([...to.components].map(([key, component]) => [key, { ...component, ...(component.xml ? { xml: watch(component.xml) } : {}), content: component.content.map(watch) }]));
    return { ...to, components };
  }

  it('copies the files of settled changes while compare runs, to the same tree as a writer given the whole changeset', async () => {
    const registry = registryFor(repo.dir);
    const [from, to] = await readSourcePair(spec('from'), spec('to'), { apiVersion: '62.0', projectDir: repo.dir });
    const reads: string[] = [];
    let readsBeforeWriting = -1;
    const out = join(temp('sf-federate-delta-early-'), 'out');
    const { changeset, written } = await compareAndWrite(from, watched(to, reads), {
      registry,
      apiVersion: '62.0',
      outputDir: out,
      copySources: true,
      onProgress: (event) => {
        if (event.kind === 'phase' && event.message.startsWith('Writing')) readsBeforeWriting = reads.length;
      },
    });
    // Compare never reads the unchanged XML of a changed class nor an added field: those reads are copies, made
    // before compare ended.
    const early = reads.slice(0, readsBeforeWriting);
    expect(early).to.include.members([`${D}/classes/Keep.cls-meta.xml`, `${D}/objects/Thing__c/fields/Parent__c.field-meta.xml`]);

    const whole = temp('sf-federate-delta-late-');
    const { files } = await writeDeltaSources(changeset, to, whole, { registry });
    const sources = written!.files.filter((file) => file.startsWith(`${D}/`));
    expect(sources).to.deep.equal(files);
    for (const file of files) expect(readFileSync(join(out, file), 'utf8'), file).to.equal(readFileSync(join(whole, file), 'utf8'));
    // The master-detail field still brings its object, although its copy started before compare knew every change.
    expect(files).to.include(`${D}/objects/Thing__c/Thing__c.object-meta.xml`);
  });

  it('passes every change of the result to onChanges exactly once, those known without reading first', async () => {
    const registry = registryFor(repo.dir);
    const [from, to] = await readSourcePair(spec('from'), spec('to'), { apiVersion: '62.0', projectDir: repo.dir });
    const batches: string[][] = [];
    const changeset = await compareSnapshots(from, to, { registry, onChanges: (changes) => batches.push(changes.map((change) => `${change.kind} ${change.key}`)) });
    const passed = batches.flat();
    expect(passed.slice().sort()).to.deep.equal(changeset.changes.map((change) => `${change.kind} ${change.key}`).sort());
    expect(new Set(passed).size).to.equal(passed.length);
    expect(batches[0]).to.include.members(['removed ApexClass:Gone', 'added CustomField:Thing__c.Parent__c']);
  });

  it('leaves nothing behind when compare fails after copies started', async () => {
    const other = new TestRepo();
    temps.keep(other.dir);
    other.commit({ 'sfdx-project.json': PROJECT_JSON, ...apexClass('A'), ...labels({ Hello: 'Hi' }) });
    const added = Object.fromEntries(Array.from({ length: 40 }, (_, index) => Object.entries(apexClass(`Added${index}`))).flat());
    other.commit({ ...added, [`${D}/labels/CustomLabels.labels-meta.xml`]: '<CustomLabels><labels><fullName>Hello</fullName></labels>' });
    const registry = registryFor(other.dir);
    const [from, to] = await readSourcePair(spec('HEAD~1'), spec('HEAD'), { apiVersion: '62.0', projectDir: other.dir });
    const reads: string[] = [];
    const parent = temp('sf-federate-delta-abort-');
    const out = join(parent, 'out');
    try {
      await compareAndWrite(from, watched(to, reads), { registry, apiVersion: '62.0', outputDir: out, copySources: true });
      expect.fail('expected an error');
    } catch (error) {
      expect((error as SfError).name).to.equal('MalformedXmlError');
      expect((error as SfError).message).to.contain(`${D}/labels/CustomLabels.labels-meta.xml`);
    }
    expect(reads.some((path) => path.endsWith('Added0.cls')), 'a copy had started').to.equal(true);
    expect(readdirSync(parent)).to.deep.equal([]); // neither the output folder nor its staging folder
  });

  /** compareAndWrite from `from` to `to` fails with `message`, and leaves nothing in the output's parent folder. */
  async function expectFailedCopy(to: Snapshot, message: string): Promise<void> {
    const registry = registryFor(repo.dir);
    const [from] = await readSourcePair(spec('from'), spec('to'), { apiVersion: '62.0', projectDir: repo.dir });
    const parent = temp('sf-federate-delta-copyfail-');
    try {
      await compareAndWrite(from, to, { registry, apiVersion: '62.0', outputDir: join(parent, 'out'), copySources: true });
      expect.fail('expected an error');
    } catch (error) {
      expect((error as SfError).name).to.equal('DeltaSourcesFailedError');
      expect((error as SfError).message).to.contain(message);
    }
    expect(readdirSync(parent)).to.deep.equal([]);
  }

  it('leaves nothing behind when a copy started during compare fails', async () => {
    const [, to] = await readSourcePair(spec('from'), spec('to'), { apiVersion: '62.0', projectDir: repo.dir });
    await expectFailedCopy(watched(to, [], (path) => path.endsWith('Keep.cls-meta.xml')), `${D}/classes/Keep.cls-meta.xml: cannot read`);
  });

  it('copies git files in the copy thread, without reading them here, to the same tree', async () => {
    const registry = registryFor(repo.dir);
    const [from, to] = await readSourcePair(spec('from'), spec('to'), { apiVersion: '62.0', projectDir: repo.dir });
    const reads: string[] = [];
    const out = join(temp('sf-federate-delta-thread-'), 'out');
    const { changeset, written } = await compareAndWrite(from, watched(to, reads, undefined, true), { registry, apiVersion: '62.0', outputDir: out, copySources: true });
    for (const copied of [`${D}/classes/Keep.cls-meta.xml`, `${D}/objects/Thing__c/fields/Parent__c.field-meta.xml`]) {
      expect(reads, 'files read on the main thread').to.not.include(copied);
    }
    const here = temp('sf-federate-delta-here-');
    const { files } = await writeDeltaSources(changeset, watched(to, []), here, { registry });
    expect(written!.files.filter((file) => file.startsWith(`${D}/`))).to.deep.equal(files);
    for (const file of files) expect(readFileSync(join(out, file), 'utf8'), file).to.equal(readFileSync(join(here, file), 'utf8'));
    // The master-detail field, copied by the thread, still brings its object.
    expect(files).to.include(`${D}/objects/Thing__c/Thing__c.object-meta.xml`);
  });

  it('writes a changed XML file from the bytes compare read, without reading it again, in the thread or here', async () => {
    const registry = registryFor(repo.dir);
    const [from, to] = await readSourcePair(spec('from'), spec('to'), { apiVersion: '62.0', projectDir: repo.dir });
    const changedField = `${D}/objects/Thing__c/fields/A__c.field-meta.xml`;
    const expected = readFileSync(join(repo.dir, ...changedField.split('/')), 'utf8');
    // Here: compare reads the file once, and the copy takes those bytes.
    const reads: string[] = [];
    const here = join(temp('sf-federate-delta-parsed-here-'), 'out');
    await compareAndWrite(from, watched(to, reads), { registry, apiVersion: '62.0', outputDir: here, copySources: true });
    expect(reads.filter((path) => path === changedField)).to.have.length(1);
    expect(readFileSync(join(here, changedField), 'utf8')).to.equal(expected);
    // A changed Apex body, which compare reads to tell a change of line endings, is not read again either.
    expect(reads.filter((path) => path === `${D}/classes/Keep.cls`)).to.have.length(1);
    expect(readFileSync(join(here, D, 'classes/Keep.cls'), 'utf8')).to.equal('public class Keep { Integer changed; }');
    // In the thread: its blob id is one git does not have (the read here still gives the real bytes), so the copy
    // succeeds only if the thread was given the bytes rather than asking git.
    const unknownBlob = new Map(
      [...to.components].map(([key, component]) => [
        key,
        component.xml?.path === changedField ? { ...component, xml: { ...component.xml, hash: '0'.repeat(40) } } : component,
      ])
    );
    const thread = join(temp('sf-federate-delta-parsed-thread-'), 'out');
    await compareAndWrite(from, watched({ ...to, components: unknownBlob }, [], undefined, true), { registry, apiVersion: '62.0', outputDir: thread, copySources: true });
    expect(readFileSync(join(thread, changedField), 'utf8')).to.equal(expected);
  });

  it('leaves nothing behind when a copy in the copy thread fails', async () => {
    const [, to] = await readSourcePair(spec('from'), spec('to'), { apiVersion: '62.0', projectDir: repo.dir });
    // A blob git does not have, for an added field (compare does not read it). Read here, the file's bytes are there
    // (its read uses the real blob): only the thread can fail this copy, and when the read here fails too, that read's
    // error is the one reported.
    const missing = (snapshot: Snapshot): Snapshot => {
      const components = new Map(
        [...snapshot.components].map(([key, component]) => [
          key,
          component.xml?.path.endsWith('Parent__c.field-meta.xml') ? { ...component, xml: { ...component.xml, hash: '0'.repeat(40) } } : component,
        ])
      );
      return { ...snapshot, components };
    };
    const parent = `${D}/objects/Thing__c/fields/Parent__c.field-meta.xml`;
    await expectFailedCopy(watched(missing(to), [], undefined, true), `${parent}: missing from git`);
    await expectFailedCopy(watched(missing(to), [], (path) => path === parent, true), `${parent}: cannot read`);
  });

  it('copies the content of a static resource as it is, a .xml file that is not well-formed included', async () => {
    // What a static resource holds is the user's bytes, zipped at deploy and never read as metadata: only the
    // component's own XML (its -meta.xml) has to be valid.
    const other = new TestRepo();
    temps.keep(other.dir);
    const resource = `${D}/staticresources/cfg`;
    const meta = xml('StaticResource', '    <cacheControl>Private</cacheControl>\n    <contentType>application/zip</contentType>');
    other.commit({ 'sfdx-project.json': PROJECT_JSON, ...apexClass('A') });
    other.commit({ [`${resource}.resource-meta.xml`]: meta, [`${resource}/settings.xml`]: '<config><unclosed>\n', [`${resource}/page.xml`]: '<a/><b/>\n' });
    other.commit({ [`${resource}/settings.xml`]: '<config><still-unclosed>\n' });
    const registry = registryFor(other.dir);
    for (const [before, after, settings] of [['HEAD~2', 'HEAD~1', '<config><unclosed>\n'], ['HEAD~1', 'HEAD', '<config><still-unclosed>\n']]) {
      // eslint-disable-next-line no-await-in-loop -- two ranges, one after the other
      const [from, to] = await readSourcePair(spec(before), spec(after), { apiVersion: '62.0', projectDir: other.dir });
      const out = temp('sf-federate-delta-content-xml-');
      // eslint-disable-next-line no-await-in-loop
      const { manifests } = await compareAndWrite(from, to, { registry, apiVersion: '62.0', outputDir: out, copySources: true });
      expect(manifests.members.package).to.deep.equal({ StaticResource: ['cfg'] });
      expect(readFileSync(join(out, resource, 'settings.xml'), 'utf8')).to.equal(settings);
      // eslint-disable-next-line no-await-in-loop
      expect(await convertLikeDeploy(join(out, 'force-app'), registry, temp('sf-federate-delta-content-mdapi-'))).to.deep.equal(['StaticResource:cfg']);
    }
  });

  it('writes nothing when a file of the delta is not valid XML', async () => {
    const other = new TestRepo();
    temps.keep(other.dir);
    other.commit({ 'sfdx-project.json': PROJECT_JSON, ...apexClass('A') });
    other.commit({ ...apexClass('B'), ...lwc('broken'), [`${D}/lwc/broken/broken.js-meta.xml`]: '<LightningComponentBundle><apiVersion>62.0</apiVersion>' });
    const registry = registryFor(other.dir);
    const [from, to] = await readSourcePair(spec('HEAD~1'), spec('HEAD'), { apiVersion: '62.0', projectDir: other.dir });
    const changeset = await compareSnapshots(from, to, { registry }); // added components are not parsed by compare
    const out = temp('sf-federate-delta-fail-');
    try {
      await writeDeltaSources(changeset, to, out, { registry });
      expect.fail('expected an error');
    } catch (error) {
      expect(error).to.be.instanceOf(SfError);
      expect((error as SfError).name).to.equal('MalformedXmlError');
      expect((error as SfError).message).to.contain(`git:HEAD:${D}/lwc/broken/broken.js-meta.xml`);
    }
    expect(readdirSync(out)).to.deep.equal([]);
    expect(existsSync(join(out, 'force-app'))).to.equal(false);
  });
});
