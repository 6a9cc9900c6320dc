import { MetadataResolver, type SourceComponent } from '@salesforce/source-deploy-retrieve';
import { expect } from 'chai';
import { blobReader } from '../../src/metadata/git/blobs.js';
import { fileResolver } from '../../src/metadata/git/pair.js';
import { requireRepo } from '../../src/metadata/git/repo.js';
import { GitTreeContainer } from '../../src/metadata/git/tree.js';
import { registryFor } from '../../src/metadata/registry.js';
import { DEFAULT_DIR as D, PROJECT_JSON, TestRepo, apexClass, customObject, field, labels, lwc, profile, xml } from './repo-helper.js';

/** What a resolution says about a file: each component's type, name, parent and files, or the error's absence. */
function described(resolve: () => SourceComponent[]): string[] | 'error' {
  try {
    return resolve().map((component) => `${component.type.name}:${component.fullName} parent=${component.parent?.fullName ?? '-'} xml=${component.xml ?? '-'} content=${component.content ?? '-'}`);
  } catch {
    return 'error';
  }
}

describe('fileResolver (SDR resolution of one git file)', () => {
  let repo: TestRepo;
  let tree: GitTreeContainer;
  let paths: string[];
  const root = '/__sf-federate-git__/test-resolver';

  before(async () => {
    repo = new TestRepo();
    repo.commit({
      'sfdx-project.json': PROJECT_JSON,
      ...apexClass('Keep'),
      ...customObject('Thing__c'),
      ...field('Thing__c', 'A__c'),
      ...labels({ Hello: 'Hi' }),
      ...lwc('card'),
      ...profile('Sales', { 'Thing__c.A__c': true }),
      [`${D}/objectTranslations/Thing__c-fr/Thing__c-fr.objectTranslation-meta.xml`]: xml('CustomObjectTranslation', '    <caseValues>\n        <plural>false</plural>\n        <value>Chose</value>\n    </caseValues>'),
      [`${D}/objectTranslations/Thing__c-fr/A__c.fieldTranslation-meta.xml`]: xml('CustomFieldTranslation', '    <label>A fr</label>\n    <name>A__c</name>'),
      [`${D}/notes/readme.txt`]: 'not metadata',
    });
    const listing = repo
      .git('ls-tree', '-r', 'HEAD')
      .trim()
      .split('\n')
      .map((line) => {
        const [meta, path] = line.split('\t');
        return [path, { blob: meta.split(' ')[2] }] as const;
      });
    paths = listing.map(([path]) => `${root}/${path}`).filter((path) => path.includes(`/${D}/`));
    tree = new GitTreeContainer(root, listing, blobReader(await requireRepo(repo.dir, 'test')));
    await tree.prefetch(tree.allFiles());
  });
  after(() => repo.remove());

  it("resolves every file as SDR's getComponentsFromPath does", () => {
    const registry = registryFor(repo.dir);
    const resolve = fileResolver(new MetadataResolver(registry, tree, false));
    for (const path of paths) {
      const reference = new MetadataResolver(registry, tree, false);
      expect(described(() => resolve(path)), path).to.deep.equal(described(() => reference.getComponentsFromPath(path)));
    }
    expect(described(() => resolve(`${root}/${D}/classes/Keep.cls`))).to.have.length(1);
  });

  it("uses SDR's per-file step with one matcher, not a new default .forceignore matcher per file", () => {
    const resolver = new MetadataResolver(registryFor(repo.dir), tree, false);
    const resolve = fileResolver(resolver);
    const matcher = (): unknown => (resolver as unknown as { forceIgnore?: unknown }).forceIgnore;
    resolve(paths[0]);
    const first = matcher();
    expect(first).to.not.equal(undefined);
    for (const path of paths) described(() => resolve(path));
    // getComponentsFromPath would have replaced it at every call: if this fails, SDR changed and the fallback runs.
    expect(matcher()).to.equal(first);
  });
});
