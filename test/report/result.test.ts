import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { toDiffResult, type DiffResult } from '../../src/compare/result.js';
import type { Change } from '../../src/compare/types.js';
import { sampleChangeset } from './fixtures.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/diff-result.schema.json', import.meta.url), 'utf8')) as object;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(schema);

/** The result as a --json consumer sees it: through JSON. */
function asJson(result: DiffResult): Record<string, unknown> {
  return JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
}

function errors(value: unknown): string {
  return validate(value) ? '' : ajv.errorsText(validate.errors);
}

describe('toDiffResult', () => {
  it('counts per kind, in total and per type', () => {
    const result = toDiffResult(sampleChangeset());
    expect(result.summary).to.deep.include({ added: 1, removed: 1, changed: 4, renamed: 1, total: 7 });
    expect(result.summary.byType.ApexClass).to.deep.equal({ added: 1, removed: 1, changed: 0, renamed: 0 });
    expect(result.summary.byType.Flow).to.deep.equal({ added: 0, removed: 0, changed: 0, renamed: 1 });
    expect(Object.keys(result.summary.byType)).to.deep.equal(['ApexClass', 'CustomField', 'CustomLabel', 'Flow', 'LightningComponentBundle', 'Profile']);
    expect(result.summary).not.to.have.property('drift');
  });

  it('lists each changed component once in the changes manifest, as added, modified, deleted or renamed', () => {
    const { delta } = toDiffResult(sampleChangeset());
    const names = (members: ReadonlyArray<{ type: string; fullName: string }>): string[] => members.map((member) => `${member.type}:${member.fullName}`);
    expect(names(delta.added)).to.deep.equal(['ApexClass:NewService']);
    expect(names(delta.modified)).to.deep.equal(['CustomField:Account.Region__c', 'CustomLabel:Greeting', 'LightningComponentBundle:banner', 'Profile:Admin']);
    expect(names(delta.deleted)).to.deep.equal(['ApexClass:OldService']);
    expect(delta.renamed).to.deep.equal([
      { type: 'Flow', fullName: 'Onboarding', fromPaths: ['force-app/flows/Onboarding.flow-meta.xml'], toPaths: ['force-app-china/flows/Onboarding.flow-meta.xml'] },
    ]);
    expect(errors(asJson(toDiffResult(sampleChangeset())))).to.equal('');
  });

  it('counts drift only when changes are classified', () => {
    const base = sampleChangeset();
    const changes = base.changes.map((change, index): Change => ({ ...change, classification: index % 2 ? 'drift' : 'overlay' }));
    expect(toDiffResult({ ...base, changes }).summary.drift).to.equal(3);
  });

  it('sorts changes by type then full name, and drops undefined keys', () => {
    const base = sampleChangeset();
    const result = toDiffResult({ ...base, changes: [...base.changes].reverse().map((change) => ({ ...change, parent: change.parent ?? undefined })) });
    expect(result.changes.map((change) => change.key)).to.deep.equal([
      'ApexClass:NewService', 'ApexClass:OldService', 'CustomField:Account.Region__c', 'CustomLabel:Greeting', 'Flow:Onboarding', 'LightningComponentBundle:banner', 'Profile:Admin',
    ]);
    expect(Object.keys(result.changes[0])).not.to.include('parent');
  });

  it('takes warnings, notDeletable and written manifests from the extras', () => {
    const result = toDiffResult(sampleChangeset({ warnings: ['from changeset'] }), {
      warnings: ['a', 'b'],
      notDeletable: [{ type: 'StandardValueSet', fullName: 'LeadSource', reason: 'standard' }],
      manifests: { outputDir: '/tmp/out', files: ['package.xml'] },
    });
    expect(result.warnings).to.deep.equal(['a', 'b']);
    expect(result.notDeletable).to.deep.equal([{ type: 'StandardValueSet', fullName: 'LeadSource', reason: 'standard' }]);
    expect(result.manifests).to.deep.equal({ outputDir: '/tmp/out', files: ['package.xml'] });
    expect(toDiffResult(sampleChangeset({ warnings: ['from changeset'] })).warnings).to.deep.equal(['from changeset']);
  });
});

describe('schemas/diff-result.schema.json', () => {
  it('accepts real results, with and without the optional parts', () => {
    const plainResult = asJson(toDiffResult(sampleChangeset()));
    expect(errors(plainResult)).to.equal('');
    const base = sampleChangeset();
    const full = toDiffResult(
      { ...base, changes: base.changes.map((change): Change => ({ ...change, classification: 'drift', formattingOnly: false })) },
      { notDeletable: [{ type: 'Settings', fullName: 'Account', reason: 'singleton' }], manifests: { outputDir: '/tmp/out', files: ['package.xml', 'destructiveChangesPost.xml'] } },
    );
    expect(errors(asJson(full))).to.equal('');
    expect(errors(asJson(toDiffResult({ ...base, changes: [], unclassified: [] })))).to.equal('');
  });

  it('accepts the kind of each file of a bundle next to the plain list of paths', () => {
    const base = sampleChangeset();
    const A = 'force-app/main/default/aura/openRecordAction';
    const change: Change = {
      key: 'AuraDefinitionBundle:openRecordAction', type: 'AuraDefinitionBundle', fullName: 'openRecordAction', kind: 'changed', elements: [],
      files: [`${A}/openRecordAction.design`, `${A}/openRecordActionController.js`],
      fileChanges: [{ path: `${A}/openRecordAction.design`, kind: 'removed' }, { path: `${A}/openRecordActionController.js`, kind: 'added' }],
    };
    const json = asJson(toDiffResult({ ...base, changes: [change] })) as { changes: Array<Record<string, unknown>> };
    expect(json.changes[0].files).to.deep.equal([`${A}/openRecordAction.design`, `${A}/openRecordActionController.js`]);
    expect(json.changes[0].fileChanges).to.deep.equal([{ path: `${A}/openRecordAction.design`, kind: 'removed' }, { path: `${A}/openRecordActionController.js`, kind: 'added' }]);
    expect(errors(json)).to.equal('');
  });

  // Each entry breaks one field of a real result; `any` is the point here (the JSON is what a consumer reads).
  /* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/explicit-function-return-type, no-param-reassign */
  const broken: Array<[string, (result: Record<string, any>) => void]> = [
    ['an unknown change kind', (r) => { r.changes[0].kind = 'modified'; }],
    ['an unknown element kind', (r) => { r.changes[2].elements[0].kind = 'edited'; }],
    ['a change without elements', (r) => { delete r.changes[0].elements; }],
    ['a count that is not an integer', (r) => { r.summary.added = '1'; }],
    ['a negative count per type', (r) => { r.summary.byType.ApexClass.removed = -1; }],
    ['a missing total', (r) => { delete r.summary.total; }],
    ['an unknown source kind', (r) => { r.from.kind = 'zip'; }],
    ['an unknown classification', (r) => { r.changes[0].classification = 'explained'; }],
    ['a notDeletable entry without reason', (r) => { r.notDeletable = [{ type: 'Settings', fullName: 'Account' }]; }],
    ['manifests without files', (r) => { r.manifests = { outputDir: '/tmp/out' }; }],
    ['a field the type does not have', (r) => { r.summary.modified = 0; }],
    ['an API version that is not one', (r) => { r.apiVersion = 'latest'; }],
    ['missing warnings', (r) => { delete r.warnings; }],
    ['an unknown file kind', (r) => { r.changes[5].fileChanges = [{ path: 'force-app/main/default/lwc/banner/banner.js', kind: 'edited' }]; }],
    ['a file change without path', (r) => { r.changes[5].fileChanges = [{ kind: 'added' }]; }],
  ];
  /* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/explicit-function-return-type, no-param-reassign */
  for (const [name, breakIt] of broken) {
    it(`rejects ${name}`, () => {
      const result = asJson(toDiffResult(sampleChangeset()));
      breakIt(result);
      expect(validate(result)).to.equal(false);
    });
  }
});
