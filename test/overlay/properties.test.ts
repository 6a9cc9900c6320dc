import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { compareSnapshots } from '../../src/compare/compare.js';
import { applyOverlay } from '../../src/overlay/apply.js';
import { captureOverlay } from '../../src/overlay/capture.js';
import { loadOverlay } from '../../src/overlay/load.js';
import { snapshotFromFiles } from '../../src/overlay/memory.js';
import type { Snapshot } from '../../src/metadata/types.js';
import { D, GLOBAL, overlayOf } from './fixtures.js';

const X = '<?xml version="1.0" encoding="UTF-8"?>\n';
const hashes = (snapshot: Snapshot): Array<[string, string]> => [...snapshot.components.values()].map((component) => [component.key, component.hash] as [string, string]).sort();

/** A pool of rules valid on the fixture; a generated overlay is a subset of them, in any order. */
const RULES = {
  exclude: ['  - type: Bot', '  - type: CustomLabel\n    name: Global_*', '  - component: CustomField:Account.Global_Only__c', '  - path: force-app/**/namedCredentials/*'],
  patches: [
    '  - component: CustomObject:Account\n    path: fields[fullName=Region__c]/label\n    set: 区域',
    '  - component: CustomField:Account.Region__c\n    path: description\n    set: China',
    '  - component: Profile:Admin\n    path: fieldPermissions[field=Account.Region__c]/editable\n    set: "false"',
    '  - component: Profile:Admin\n    path: fieldPermissions[field=Account.Global_Only__c]\n    remove: true',
    '  - component: Profile:Admin\n    add: <fieldPermissions><editable>false</editable><field>Account.X__c</field><readable>true</readable></fieldPermissions>',
    '  - component: CustomLabels:CustomLabels\n    add: <labels><fullName>Cn</fullName><language>zh_CN</language><protected>false</protected><shortDescription>Cn</shortDescription><value>你好</value></labels>',
  ],
  replace: ['  - glob: "force-app/**/*.cls"\n    stringToReplace: salesforce.com\n    replaceWith: sfcrmproducts.cn', '  - glob: "force-app/**/*"\n    stringToReplace: example.com\n    replaceWith: example.com.cn'],
};

describe('overlay properties', () => {
  it('apply is idempotent: applying the result again changes nothing', async () => {
    const base = await snapshotFromFiles(GLOBAL);
    const section = (name: keyof typeof RULES): fc.Arbitrary<string> => fc.subarray(RULES[name]).map((rules) => (rules.length ? `${name}:\n${rules.join('\n')}\n` : ''));
    await fc.assert(
      fc.asyncProperty(section('exclude'), section('patches'), section('replace'), async (exclude, patches, replace) => {
        const overlay = overlayOf(exclude + patches + replace);
        const once = await applyOverlay(base, overlay);
        const twice = await applyOverlay(once.snapshot, overlay);
        expect(hashes(twice.snapshot)).to.deep.equal(hashes(once.snapshot));
      }),
      { numRuns: 15 }
    );
  });

  describe('capture then apply reproduces the region side', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'sf-federate-capture-prop-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const name = fc.stringMatching(/^[A-Z][a-z]{2,6}$/);
    const text = fc.stringMatching(/^[A-Za-z0-9 ]{1,12}$/).map((value) => value.trim() || 'x');
    const label = (fullName: string, value: string): string =>
      `    <labels>\n        <fullName>${fullName}</fullName>\n        <language>en_US</language>\n        <protected>false</protected>\n        <shortDescription>${fullName}</shortDescription>\n        <value>${value}</value>\n    </labels>\n`;
    const field = (fullName: string, labelText: string): string => `${X}<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">\n    <fullName>${fullName}</fullName>\n    <label>${labelText}</label>\n    <type>Text</type>\n    <length>80</length>\n</CustomField>\n`;
    const classMeta = `${X}<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">\n    <apiVersion>62.0</apiVersion>\n    <status>Active</status>\n</ApexClass>\n`;

    type Side = { labels: Map<string, string>; fields: Map<string, string>; classes: Map<string, string> };
    const files = (side: Side): Record<string, string> => {
      const result: Record<string, string> = {
        [`${D}/objects/Account/Account.object-meta.xml`]: `${X}<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">\n    <label>Account</label>\n</CustomObject>\n`,
      };
      if (side.labels.size) result[`${D}/labels/CustomLabels.labels-meta.xml`] = `${X}<CustomLabels xmlns="http://soap.sforce.com/2006/04/metadata">\n${[...side.labels].map(([key, value]) => label(key, value)).join('')}</CustomLabels>\n`;
      for (const [key, value] of side.fields) result[`${D}/objects/Account/fields/${key}__c.field-meta.xml`] = field(`${key}__c`, value);
      for (const [key, body] of side.classes) {
        result[`${D}/classes/${key}.cls`] = body;
        result[`${D}/classes/${key}.cls-meta.xml`] = classMeta;
      }
      return result;
    };
    const entries = fc.uniqueArray(fc.tuple(name, text), { minLength: 1, maxLength: 4, selector: ([key]) => key });
    const side = fc.record({ labels: entries, fields: entries, classes: entries }).map(
      (raw): Side => ({ labels: new Map(raw.labels), fields: new Map(raw.fields), classes: new Map(raw.classes.map(([key, body]) => [key, `public class ${key} { /* ${body} */ }`])) })
    );
    /** The region: each entry kept, changed or dropped; some new ones. */
    const mutate = (global: Side): fc.Arbitrary<Side> =>
      fc
        .record({
          labels: fc.array(fc.constantFrom('keep', 'change', 'drop'), { minLength: global.labels.size, maxLength: global.labels.size }),
          fields: fc.array(fc.constantFrom('keep', 'change', 'drop'), { minLength: global.fields.size, maxLength: global.fields.size }),
          classes: fc.array(fc.constantFrom('keep', 'change', 'drop'), { minLength: global.classes.size, maxLength: global.classes.size }),
          extra: entries,
          value: text,
        })
        .map((plan): Side => {
          const apply = (map: Map<string, string>, how: string[], change: (value: string) => string): Map<string, string> =>
            new Map([...map].flatMap(([key, value], index) => (how[index] === 'drop' ? [] : [[key, how[index] === 'change' ? change(value) : value] as [string, string]])));
          const labels = apply(global.labels, plan.labels, () => `${plan.value} cn`);
          const fields = apply(global.fields, plan.fields, (value) => `${value} 中国`);
          const classes = apply(global.classes, plan.classes, (body) => body.replace('{', '{ // China\n'));
          for (const [key, value] of plan.extra) {
            labels.set(`Cn${key}`, value);
            classes.set(`Cn${key}`, `public class Cn${key} {}`);
          }
          return { labels, fields, classes };
        });

    it('on generated trees', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          side.chain((global) => mutate(global).map((region) => ({ global, region }))),
          async ({ global, region }) => {
            const from = await snapshotFromFiles(files(global));
            const to = await snapshotFromFiles(files(region));
            const overlayDir = join(dir, `run-${run++}`);
            const captured = await captureOverlay(from, to, { overlayDir, packageDirs: ['force-app'] });
            expect(captured.unexplained).to.deep.equal([]);
            const overlay = await loadOverlay(overlayDir, { packageDirs: ['force-app'] }).catch(() => overlayOf(''));
            const { snapshot } = await applyOverlay(from, overlay);
            const rest = await compareSnapshots(snapshot, to);
            expect(rest.changes.map((change) => `${change.kind} ${change.key}`)).to.deep.equal([]);
          }
        ),
        { numRuns: 8 }
      );
    });
  });
});
