import { expect } from 'chai';
import { blobReader } from '../../src/metadata/git/blobs.js';
import { requireRepo } from '../../src/metadata/git/repo.js';
import { GitTreeContainer } from '../../src/metadata/git/tree.js';
import { TestRepo } from './repo-helper.js';

describe('GitTreeContainer', () => {
  let repo: TestRepo;
  let tree: GitTreeContainer;
  const root = '/__mount__/1-abc';

  before(async () => {
    repo = new TestRepo();
    const a = repo.commit({ 'x.txt': 'a' });
    const blob = repo.git('rev-parse', `${a}:x.txt`).trim();
    const files: Array<[string, { blob: string }]> = ['force-app/main/a.xml', 'force-app/main/sub/b.xml', 'force-app/main/sub/deeper/c.xml', 'top.xml', 'name with spaces/é.xml'].map((path) => [path, { blob }]);
    tree = new GitTreeContainer(root, files, blobReader(await requireRepo(repo.dir, 'test')));
  });
  after(() => repo.remove());

  it('answers exists, isDirectory and readDirectory from the listing, at every level up to the root', () => {
    expect([...tree.allFiles()]).to.deep.equal(['force-app/main/a.xml', 'force-app/main/sub/b.xml', 'force-app/main/sub/deeper/c.xml', 'top.xml', 'name with spaces/é.xml'].map((path) => `${root}/${path}`));
    expect(tree.readDirectory(root).sort()).to.deep.equal(['force-app', 'name with spaces', 'top.xml']);
    expect(tree.readDirectory(`${root}/force-app`)).to.deep.equal(['main']);
    expect(tree.readDirectory(`${root}/force-app/main`).sort()).to.deep.equal(['a.xml', 'sub']);
    expect(tree.readDirectory(`${root}/force-app/main/sub`).sort()).to.deep.equal(['b.xml', 'deeper']);
    expect(tree.readDirectory(`${root}/name with spaces`)).to.deep.equal(['é.xml']);
    for (const dir of ['', '/force-app', '/force-app/main/sub/deeper', '/name with spaces']) expect(tree.isDirectory(`${root}${dir}`), dir).to.equal(true);
    expect(tree.isDirectory(`${root}/top.xml`)).to.equal(false);
    expect(tree.exists(`${root}/force-app/main/sub/deeper/c.xml`)).to.equal(true);
    expect(tree.exists(`${root}/force-app/main/missing.xml`)).to.equal(false);
    // Nothing above the mount point is made up.
    expect(tree.isDirectory('/__mount__')).to.equal(false);
  });

  it('reads a file through git', async () => {
    expect((await tree.readFile(`${root}/top.xml`)).toString()).to.equal('a');
    expect(() => tree.readFileSync(`${root}/nope.xml`)).to.throw('not found');
  });
});
