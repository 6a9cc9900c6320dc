import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ComponentSet, MetadataConverter } from '@salesforce/source-deploy-retrieve';
import { compareSnapshots } from '../../src/compare/compare.js';
import { registryFor } from '../../src/metadata/registry.js';
import type { Snapshot } from '../../src/metadata/types.js';
import { edit, FIXTURES, snapshotOf, TempDirs } from './support.js';

describe('compareSnapshots: source format vs metadata format', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let source: Snapshot;
  let mdapi: string;

  before(async () => {
    const project = join(FIXTURES, 'project');
    source = await snapshotOf(project);
    mdapi = temp.make();
    const registry = registryFor(project);
    const set = ComponentSet.fromSource({ fsPaths: [join(project, 'force-app')], registry });
    set.sourceApiVersion = '62.0';
    await new MetadataConverter(registry).convert(set, 'metadata', { type: 'directory', outputDirectory: mdapi, genUniqueDir: false });
  });
  after(() => temp.cleanup());

  it('the same metadata in both formats has no changes', async () => {
    const converted = await snapshotOf(mdapi);
    expect(converted.source.format).to.equal('metadata');
    expect([...converted.components.keys()].sort()).to.deep.equal([...source.components.keys()].sort());
    expect((await compareSnapshots(source, converted)).changes).to.deep.equal([]);
  });

  it('an object kept as fields only (no .object-meta.xml) equals its metadata-format copy, which has an object file: nothing is deleted or added', async () => {
    const project = temp.copy('project');
    rmSync(join(project, 'force-app/main/default/objects/Account/Account.object-meta.xml'));
    const fieldsOnly = await snapshotOf(project);
    expect(fieldsOnly.components.has('CustomObject:Account')).to.equal(false);
    const converted = temp.make();
    const registry = registryFor(project);
    const set = ComponentSet.fromSource({ fsPaths: [join(project, 'force-app')], registry });
    set.sourceApiVersion = '62.0';
    await new MetadataConverter(registry).convert(set, 'metadata', { type: 'directory', outputDirectory: converted, genUniqueDir: false });
    const mdapiSnapshot = await snapshotOf(converted);
    expect(mdapiSnapshot.components.has('CustomObject:Account')).to.equal(true);
    for (const [from, to] of [[mdapiSnapshot, fieldsOnly], [fieldsOnly, mdapiSnapshot]]) {
      // eslint-disable-next-line no-await-in-loop -- one direction after the other
      const changeset = await compareSnapshots(from, to);
      expect(changeset.changes).to.deep.equal([]);
      expect(changeset.warnings).to.deep.equal([]);
    }
  });

  it('one field and one label changed in the metadata-format copy are exactly the changes', async () => {
    edit(mdapi, 'objects/Account.object', '<label>Region</label>', '<label>Sales Region</label>');
    edit(mdapi, 'labels/CustomLabels.labels', '<value>Hello</value>', '<value>Hi</value>');
    const changeset = await compareSnapshots(source, await snapshotOf(mdapi));
    expect(changeset.changes.map((c) => [c.key, c.kind, c.parent, c.elements])).to.deep.equal([
      ['CustomField:Account.Region__c', 'changed', 'CustomObject:Account', [{ path: 'label', kind: 'changed', before: 'Region', after: 'Sales Region' }]],
      ['CustomLabel:Greeting', 'changed', 'CustomLabels:CustomLabels', [{ path: 'value', kind: 'changed', before: 'Hello', after: 'Hi' }]],
    ]);
  });
});
