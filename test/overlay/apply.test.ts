import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { applyOverlay, type ApplyResult } from '../../src/overlay/apply.js';
import { loadOverlay } from '../../src/overlay/load.js';
import { snapshotContents, snapshotFromFiles } from '../../src/overlay/memory.js';
import type { Snapshot } from '../../src/metadata/types.js';
import { D, GLOBAL, overlayOf } from './fixtures.js';

const FIELD = `${D}/objects/Account/fields/Region__c.field-meta.xml`;
const LABELS = `${D}/labels/CustomLabels.labels-meta.xml`;
const NC = `${D}/namedCredentials/Payments.namedCredential-meta.xml`;
const PROFILE = `${D}/profiles/Admin.profile-meta.xml`;

type Applied = ApplyResult & { text: (path: string) => Promise<string | undefined> };

async function apply(base: Snapshot, yaml: string, options: Parameters<typeof applyOverlay>[2] = {}): Promise<Applied> {
  const result = await applyOverlay(base, overlayOf(yaml), options);
  return { ...result, text: async (path: string): Promise<string | undefined> => (await snapshotContents(result.snapshot)).get(path)?.toString('utf8') };
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect((error as { exitCode?: number }).exitCode).to.equal(2);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('applyOverlay', () => {
  let base: Snapshot;
  before(async () => {
    base = await snapshotFromFiles(GLOBAL);
  });

  describe('exclude', () => {
    it('drops components by type', async () => {
      const { snapshot, report } = await apply(base, 'exclude:\n  - type: Bot\n');
      expect(snapshot.components.has('Bot:Helper')).to.equal(false);
      expect(report.rules[0]).to.include({ status: 'applied', line: 2 });
      expect(report.counts.componentsRemoved).to.equal(1);
    });
    it('drops decomposed children by name glob, and leaves the parent', async () => {
      const { snapshot } = await apply(base, 'exclude:\n  - type: CustomField\n    name: "Account.Global_*"\n');
      expect(snapshot.components.has('CustomField:Account.Global_Only__c')).to.equal(false);
      expect(snapshot.components.has('CustomField:Account.Region__c')).to.equal(true);
      expect(snapshot.children.get('CustomObject:Account')).to.deep.equal(['CustomField:Account.Region__c']);
    });
    it('drops a parent with its children', async () => {
      const { snapshot } = await apply(base, 'exclude:\n  - component: CustomObject:Account\n');
      expect([...snapshot.components.keys()].filter((key) => key.includes('Account'))).to.deep.equal([]);
    });
    it('drops components by project-relative path glob', async () => {
      const { snapshot } = await apply(base, 'exclude:\n  - path: force-app/**/classes/*\n');
      expect(snapshot.components.has('ApexClass:Login')).to.equal(false);
    });
    it('matches path globs of a bare-folder snapshot under the project package dirs', async () => {
      const bare = await snapshotFromFiles(Object.fromEntries(Object.entries(GLOBAL).map(([path, text]) => [path.slice('force-app/'.length), text])), { packageDirs: ['.'] });
      const { snapshot } = await applyOverlay(bare, overlayOf('exclude:\n  - path: force-app/**/classes/*\n'));
      expect(snapshot.components.has('ApexClass:Login')).to.equal(false);
    });
    it('removes in-file children (custom labels) from their parent file', async () => {
      const { snapshot, text, report } = await apply(base, 'exclude:\n  - type: CustomLabel\n    name: Global_*\n');
      expect(await text(LABELS)).not.to.contain('Global_Support');
      expect(await text(LABELS)).to.contain('<fullName>Greeting</fullName>');
      expect(report.rules[0].touched).to.deep.equal(['CustomLabel:Global_Support']);
      expect(snapshot.components.get('CustomLabels:CustomLabels')!.hash).not.to.equal(base.components.get('CustomLabels:CustomLabels')!.hash);
    });
    it('reports an exclude that matches nothing as stale, and fails it with strict', async () => {
      const { report } = await apply(base, 'exclude:\n  - type: Flow\n');
      expect(report.rules[0].status).to.equal('stale');
      expect(report.warnings[0]).to.match(/overlay\.yml:2 \(exclude\[0\]\)/);
      const message = await failure(applyOverlay(base, overlayOf('exclude:\n  - type: Flow\n'), { strict: true }));
      expect(message).to.contain('overlay.yml:2 (exclude[0])');
    });
  });

  describe('patches', () => {
    it('sets an element of a decomposed child through its parent, and recomputes the hash', async () => {
      const { snapshot, text, report } = await apply(base, 'patches:\n  - component: CustomObject:Account\n    path: fields[fullName=Region__c]/label\n    set: 区域\n    expect: Region\n');
      expect(await text(FIELD)).to.contain('<label>区域</label>');
      expect(report.rules[0]).to.include({ status: 'applied' });
      expect(report.rules[0].touched).to.deep.equal(['CustomField:Account.Region__c']);
      const field = snapshot.components.get('CustomField:Account.Region__c')!;
      expect(field.xml!.hash).not.to.equal(base.components.get('CustomField:Account.Region__c')!.xml!.hash);
      expect(snapshot.components.get('CustomObject:Account')).to.equal(base.components.get('CustomObject:Account'));
    });
    it('sets by the child key directly as well', async () => {
      const { text } = await apply(base, 'patches:\n  - component: CustomField:Account.Region__c\n    path: label\n    set: 区域\n');
      expect(await text(FIELD)).to.contain('<label>区域</label>');
    });
    it('creates a missing leaf under an existing parent', async () => {
      const { text } = await apply(base, 'patches:\n  - component: CustomField:Account.Region__c\n    path: description\n    set: China region\n');
      expect(await text(FIELD)).to.contain('<description>China region</description>');
    });
    it('flags a patch whose expect no longer matches the base for review', async () => {
      const { report } = await apply(base, 'patches:\n  - component: NamedCredential:Payments\n    path: endpoint\n    set: https://pay.example.cn\n    expect: https://old.example.com\n');
      expect(report.rules[0].status).to.equal('review');
      expect(report.warnings[0]).to.contain('https://old.example.com');
    });
    it('removes a keyed element', async () => {
      const { text } = await apply(base, 'patches:\n  - component: Profile:Admin\n    path: fieldPermissions[field=Account.Global_Only__c]\n    remove: true\n');
      expect(await text(PROFILE)).not.to.contain('Global_Only__c');
      expect(await text(PROFILE)).to.contain('Account.Region__c');
    });
    it('adds an element, and replaces one with the same key instead of duplicating it', async () => {
      const add = (editable: string): string => `patches:\n  - component: Profile:Admin\n    add: <fieldPermissions><editable>${editable}</editable><field>Account.Region__c</field><readable>true</readable></fieldPermissions>\n`;
      const { text } = await apply(base, add('false'));
      const profile = (await text(PROFILE))!;
      expect(profile.match(/Account\.Region__c/g)).to.have.length(1);
      expect(profile).to.match(/<editable>false<\/editable>\s*<field>Account\.Region__c/);
      const added = await apply(base, 'patches:\n  - component: Profile:Admin\n    add: <fieldPermissions><editable>false</editable><field>Account.New__c</field><readable>true</readable></fieldPermissions>\n');
      expect((await added.text(PROFILE))!.match(/<fieldPermissions>/g)).to.have.length(3);
    });
    it('removes a decomposed child component through its parent', async () => {
      const { snapshot } = await apply(base, 'patches:\n  - component: CustomObject:Account\n    path: fields[fullName=Global_Only__c]\n    remove: true\n');
      expect(snapshot.components.has('CustomField:Account.Global_Only__c')).to.equal(false);
    });
    it('reports a patch of a component the base lacks as stale', async () => {
      const { report } = await apply(base, 'patches:\n  - component: NamedCredential:Nope\n    path: endpoint\n    set: x\n');
      expect(report.rules[0].status).to.equal('stale');
    });
    it('refuses a path that matches nothing, naming the rule, line and the missing segment', async () => {
      const message = await failure(applyOverlay(base, overlayOf('patches:\n  - component: Profile:Admin\n    path: fieldPermissions[field=Account.Nope__c]/editable\n    set: "false"\n')));
      expect(message).to.contain('overlay.yml:2 (patches[0])');
      expect(message).to.contain('there is no fieldPermissions[field=Account.Nope__c]');
    });
    it('refuses a path that matches several elements, listing them', async () => {
      const message = await failure(applyOverlay(base, overlayOf('patches:\n  - component: Profile:Admin\n    path: fieldPermissions/editable\n    set: "false"\n')));
      expect(message).to.contain('matches 2 elements');
      expect(message).to.contain('fieldPermissions[field=Account.Region__c]/editable');
      expect(message).to.contain('fieldPermissions[field=Account.Global_Only__c]/editable');
    });
    it('names several elements with the same key by their position, not by the key they share', async () => {
      const profile = GLOBAL[PROFILE];
      const entry = /<fieldPermissions>[\s\S]*?<\/fieldPermissions>/.exec(profile)![0];
      const doubled = await snapshotFromFiles({ ...GLOBAL, [PROFILE]: profile.replace(entry, `${entry}\n    ${entry}`) });
      const key = /<field>([^<]+)<\/field>/.exec(entry)![1];
      const message = await failure(applyOverlay(doubled, overlayOf(`patches:\n  - component: Profile:Admin\n    path: fieldPermissions[field=${key}]/editable\n    set: "false"\n`)));
      expect(message).to.contain(`matches 2 elements: fieldPermissions[field=${key}][1]/editable, fieldPermissions[field=${key}][2]/editable`);
    });
    it('refuses a decomposed child addressed without its fullName', async () => {
      const message = await failure(applyOverlay(base, overlayOf('patches:\n  - component: CustomObject:Account\n    path: fields/label\n    set: x\n')));
      expect(message).to.contain('fields[fullName=Name]');
    });
    it('refuses malformed XML in add, naming the rule and line', async () => {
      const message = await failure(applyOverlay(base, overlayOf('patches:\n  - component: Profile:Admin\n    add: <fieldPermissions><field>X</fieldPermissions>\n')));
      expect(message).to.contain('overlay.yml:2 (patches[0])');
    });
    it('refuses a result with an empty fullName', async () => {
      const message = await failure(applyOverlay(base, overlayOf("patches:\n  - component: CustomLabels:CustomLabels\n    path: labels[fullName=Greeting]/fullName\n    set: ''\n")));
      expect(message).to.contain('empty fullName');
      expect(message).to.contain('overlay.yml:2 (patches[0])');
    });
    it('refuses renaming a decomposed child away from its file', async () => {
      const message = await failure(applyOverlay(base, overlayOf('patches:\n  - component: CustomField:Account.Region__c\n    path: fullName\n    set: Other__c\n')));
      expect(message).to.contain('no longer names CustomField:Account.Region__c');
    });
    it('refuses set on an element with children', async () => {
      const message = await failure(applyOverlay(base, overlayOf('patches:\n  - component: Profile:Admin\n    path: fieldPermissions[field=Account.Region__c]\n    set: x\n')));
      expect(message).to.contain('has child elements');
    });
  });

  describe('values', () => {
    const yaml = 'patches:\n  - component: NamedCredential:Payments\n    path: endpoint\n    set: https://${PAY_HOST}/${TOKEN}\nvalues:\n  PAY_HOST:\n    default: pay-uat.example.cn\n    stages: { cn-prod: pay.example.cn }\n  TOKEN: { env: PAY_TOKEN }\n';
    it('takes the stage value, and env values from the environment', async () => {
      const prod = await apply(base, yaml, { stage: 'cn-prod', env: { PAY_TOKEN: 's3cret' } });
      expect(await prod.text(NC)).to.contain('<endpoint>https://pay.example.cn/s3cret</endpoint>');
      const uat = await apply(base, yaml, { stage: 'cn-uat', env: { PAY_TOKEN: 's3cret' } });
      expect(await uat.text(NC)).to.contain('https://pay-uat.example.cn/');
    });
    it('never writes an env value into the report', async () => {
      const { report } = await apply(base, yaml, { stage: 'cn-prod', env: { PAY_TOKEN: 's3cret' } });
      expect(JSON.stringify(report)).not.to.contain('s3cret');
    });
    it('refuses an unset env value, naming the variable and the rule', async () => {
      const message = await failure(applyOverlay(base, overlayOf(yaml), { stage: 'cn-prod', env: {} }));
      expect(message).to.contain('PAY_TOKEN');
      expect(message).to.contain('overlay.yml:2 (patches[0])');
    });
    it('skips the rule when the unset env value is optional', async () => {
      const { report, text } = await apply(base, yaml.replace('{ env: PAY_TOKEN }', '{ env: PAY_TOKEN, optional: true }'), { stage: 'cn-prod', env: {} });
      expect(report.rules[0].status).to.equal('skipped');
      expect(await text(NC)).to.contain('https://pay.example.com/v1');
    });
    it('refuses an undefined value', async () => {
      const message = await failure(applyOverlay(base, overlayOf('patches:\n  - component: NamedCredential:Payments\n    path: endpoint\n    set: ${NOPE}\n')));
      expect(message).to.contain('"NOPE" is not defined');
    });
    it('applies stage-limited rules only in their stages', async () => {
      const { report, snapshot } = await apply(base, 'exclude:\n  - type: Bot\n    stages: [cn-prod]\n', { stage: 'cn-uat' });
      expect(report.rules[0].status).to.equal('skipped');
      expect(snapshot.components.has('Bot:Helper')).to.equal(true);
    });
  });

  describe('replace', () => {
    it('replaces strings in globbed files', async () => {
      const { text, report } = await apply(base, 'replace:\n  - glob: force-app/**/*.cls\n    stringToReplace: login.salesforce.com\n    replaceWith: login.sfcrmproducts.cn\n');
      expect(await text(`${D}/classes/Login.cls`)).to.contain('https://login.sfcrmproducts.cn');
      expect(report.rules[0].touched).to.deep.equal([`${D}/classes/Login.cls`]);
    });
    it('replaces a regex in one file, with the value of an environment variable', async () => {
      const { text } = await apply(base, `replace:\n  - filename: ${NC}\n    regexToReplace: "https://[a-z.]+\\\\.com"\n    replaceWithEnv: PAY_URL\n`, { env: { PAY_URL: 'https://pay.example.cn' } });
      expect(await text(NC)).to.contain('<endpoint>https://pay.example.cn/v1</endpoint>');
    });
    it('gives a regex replacement its groups ($1), as SDR replacements do', async () => {
      const { text } = await apply(base, `replace:\n  - filename: ${NC}\n    regexToReplace: "https://([a-z]+)\\\\.example\\\\.com"\n    replaceWith: "https://$1.example.cn"\n`);
      expect(await text(NC)).to.contain('<endpoint>https://pay.example.cn/v1</endpoint>');
    });
    it('refuses an unset replaceWithEnv unless allowUnsetEnvVariable', async () => {
      const rule = `replace:\n  - filename: ${NC}\n    stringToReplace: example.com\n    replaceWithEnv: PAY_URL\n`;
      expect(await failure(applyOverlay(base, overlayOf(rule), { env: {} }))).to.contain('PAY_URL');
      const { report } = await applyOverlay(base, overlayOf(`${rule}    allowUnsetEnvVariable: true\n`), { env: {} });
      expect(report.rules[0].status).to.equal('skipped');
    });
    it('is idempotent when the replacement contains the searched text', async () => {
      const overlay = overlayOf('replace:\n  - glob: force-app/**/*.cls\n    stringToReplace: salesforce.com\n    replaceWith: salesforce.com.cn\n');
      const once = await applyOverlay(base, overlay);
      const twice = await applyOverlay(once.snapshot, overlay);
      const text = (await snapshotContents(twice.snapshot)).get(`${D}/classes/Login.cls`)!.toString();
      expect(text).to.contain('login.salesforce.com.cn\'');
    });
    it('reports a replace that matches no file as stale', async () => {
      const { report } = await apply(base, 'replace:\n  - glob: force-app/**/*.page\n    stringToReplace: x\n    replaceWith: y\n');
      expect(report.rules[0].status).to.equal('stale');
    });
  });

  describe('files/', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'sf-federate-overlay-'));
      writeFileSync(join(dir, 'overlay.yml'), '');
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const put = (path: string, text: string): void => {
      mkdirSync(join(dir, 'files', path, '..'), { recursive: true });
      writeFileSync(join(dir, 'files', path), text);
    };

    it('replaces a base file and adds new components at the same relative paths', async () => {
      put(`${D}/classes/Login.cls`, 'public class Login {}');
      put(`${D}/classes/WeChat.cls`, 'public class WeChat {}');
      put(`${D}/classes/WeChat.cls-meta.xml`, GLOBAL[`${D}/classes/Login.cls-meta.xml`]);
      put(`${D}/objects/Account/fields/WeChat_OpenId__c.field-meta.xml`, GLOBAL[FIELD].replace(/Region__c/g, 'WeChat_OpenId__c'));
      const overlay = await loadOverlay(dir, { packageDirs: ['force-app'] });
      const { snapshot, report } = await applyOverlay(base, overlay);
      const contents = await snapshotContents(snapshot);
      expect(contents.get(`${D}/classes/Login.cls`)!.toString()).to.equal('public class Login {}');
      expect(snapshot.components.get('ApexClass:WeChat')!.content.map((file) => file.path)).to.deep.equal([`${D}/classes/WeChat.cls`]);
      expect(snapshot.components.get('CustomField:Account.WeChat_OpenId__c')!.parent).to.equal('CustomObject:Account');
      expect(snapshot.children.get('CustomObject:Account')).to.include('CustomField:Account.WeChat_OpenId__c');
      expect(report.counts.componentsAdded).to.equal(2);
    });
    it('refuses a file that is not metadata', async () => {
      put(`${D}/classes/README.txt`, 'notes');
      const message = await failure(applyOverlay(base, await loadOverlay(dir, { packageDirs: ['force-app'] })));
      expect(message).to.contain('files/force-app/main/default/classes/README.txt');
    });
    it('refuses a file outside every package directory of the project (a typo in the folder name)', async () => {
      put('force-app-cn/main/default/classes/WeChat.cls', 'public class WeChat {}');
      put('force-app-cn/main/default/classes/WeChat.cls-meta.xml', GLOBAL[`${D}/classes/Login.cls-meta.xml`]);
      const message = await failure(applyOverlay(base, await loadOverlay(dir, { packageDirs: ['./force-app/'] })));
      expect(message).to.contain('files/force-app-cn/main/default/classes/WeChat.cls is not inside a package directory of the project (force-app)');
    });
    it('refuses a link in files/ that leads outside the overlay folder', async () => {
      const outside = mkdtempSync(join(tmpdir(), 'sf-federate-outside-'));
      writeFileSync(join(outside, 'secret.cls'), 'x');
      mkdirSync(join(dir, 'files', D, 'classes'), { recursive: true });
      symlinkSync(join(outside, 'secret.cls'), join(dir, 'files', D, 'classes', 'Login.cls'));
      const message = await failure(loadOverlay(dir));
      expect(message).to.contain('outside the overlay folder');
      rmSync(outside, { recursive: true, force: true });
    });
    it('refuses a replaceWithFile that climbs out of the overlay folder with ..', async () => {
      writeFileSync(join(dir, 'overlay.yml'), 'replace:\n  - glob: "**/*.cls"\n    stringToReplace: a\n    replaceWithFile: ../../etc/passwd\n');
      const message = await failure(loadOverlay(dir));
      expect(message).to.match(/overlay\.yml:4: replace\[0\]\.replaceWithFile: "\.\.\/\.\.\/etc\/passwd" leads outside/);
    });
    it('refuses a replace filename or glob that leaves the project (absolute, or climbing out with ..), naming its line', async () => {
      writeFileSync(
        join(dir, 'overlay.yml'),
        'replace:\n  - glob: "../other-project/**/*.cls"\n    stringToReplace: a\n    replaceWith: b\n  - filename: force-app/../../x.cls\n    stringToReplace: a\n    replaceWith: b\n  - filename: /etc/hosts\n    stringToReplace: a\n    replaceWith: b\n  - glob: "force-app/**/../*.cls"\n    stringToReplace: a\n    replaceWith: b\n'
      );
      const message = await failure(loadOverlay(dir));
      expect(message).to.match(/overlay\.yml:2: replace\[0\]\.glob: "\.\.\/other-project\/\*\*\/\*\.cls" leaves the project/);
      expect(message).to.match(/overlay\.yml:5: replace\[1\]\.filename: "force-app\/\.\.\/\.\.\/x\.cls" leaves the project/);
      expect(message).to.match(/overlay\.yml:8: replace\[2\]\.filename: "\/etc\/hosts" leaves the project/);
      expect(message).to.not.contain('replace[3]');
    });
  });

  it('is pure: the base snapshot is unchanged', async () => {
    const before = [...base.components.values()].map((component) => component.hash);
    await apply(base, 'exclude:\n  - type: Bot\npatches:\n  - component: CustomField:Account.Region__c\n    path: label\n    set: x\n');
    expect([...base.components.values()].map((component) => component.hash)).to.deep.equal(before);
    expect((await snapshotContents(base)).get(FIELD)!.toString()).to.contain('<label>Region</label>');
  });
});
