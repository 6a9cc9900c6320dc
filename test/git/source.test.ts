import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SfError } from '@salesforce/core';
import { expect } from 'chai';
import { compareSnapshots } from '../../src/compare/compare.js';
import { gitBlobId } from '../../src/metadata/hash.js';
import { gitFileStore, mountSide, openGitSide, readGitSource } from '../../src/metadata/git/read.js';
import { registryFor } from '../../src/metadata/registry.js';
import { parseSourceSpec, readSource, settleSourceSpec } from '../../src/metadata/sources/index.js';
import { readSourcePair } from '../../src/metadata/git/pair.js';
import { assertNoMergeInProgress, gitSourceKind, mergeBaseSpec } from '../../src/metadata/sources/git.js';
import type { SourceSpec } from '../../src/metadata/sources/source.js';
import type { Snapshot } from '../../src/metadata/types.js';
import { DEFAULT_DIR as D, PROJECT_JSON, TestRepo, apexClass, customObject, field, labels, lwc, xml } from './repo-helper.js';

const spec = (value: string): SourceSpec => ({ kind: 'git' as const, value, guessed: false });
const keys = (snapshot: Snapshot): string[] => [...snapshot.components.keys()].sort();

async function expectError(promise: Promise<unknown>, name: string): Promise<SfError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(SfError);
    expect((error as SfError).name).to.equal(name);
    return error as SfError;
  }
  throw new Error(`expected ${name}`);
}

type PairDelta = { readonly changes: string[]; readonly warnings: string[] };

/** The changes between two sources of a repository, as `kind key`, and the warnings reading them gave. */
async function pairDelta(dir: string, from: SourceSpec, to: SourceSpec): Promise<PairDelta> {
  const warnings: string[] = [];
  const onProgress = (event: { kind: string; message?: string }): void => {
    if (event.kind === 'warning' && event.message) warnings.push(event.message);
  };
  const [a, b] = await readSourcePair(from, to, { apiVersion: '62.0', projectDir: dir, onProgress });
  const changeset = await compareSnapshots(a, b, { registry: registryFor(dir) });
  return { changes: changeset.changes.map((change) => `${change.kind} ${change.key}`), warnings: [...warnings, ...changeset.warnings] };
}

describe('git sources', () => {
  let repo: TestRepo;
  let first: string;
  let options: { apiVersion: string; projectDir: string };

  before(() => {
    repo = new TestRepo();
    first = repo.commit({ 'sfdx-project.json': PROJECT_JSON, ...apexClass('Foo'), ...customObject('Thing__c'), ...field('Thing__c', 'A__c'), ...labels({ Hello: 'Hi' }), ...lwc('card') }, 'first');
    repo.git('tag', 'v1');
    repo.commit({ ...apexClass('Foo', 'public class Foo { void x() {} }'), ...apexClass('Bar'), ...field('Thing__c', 'A__c', 'Changed') }, 'second');
    options = { apiVersion: '62.0', projectDir: repo.dir };
  });
  after(() => repo.remove());

  it('reads a ref from the object store, not the work tree, with blob ids as hashes', async () => {
    repo.write({ [`${D}/classes/Foo.cls`]: 'public class Foo { /* uncommitted */ }', ...apexClass('WorkTreeOnly') });
    try {
      const snapshot = await readGitSource(spec('v1'), options);
      expect(keys(snapshot)).to.deep.equal(['ApexClass:Foo', 'CustomField:Thing__c.A__c', 'CustomLabels:CustomLabels', 'CustomObject:Thing__c', 'LightningComponentBundle:card']);
      expect(snapshot.source).to.include({ kind: 'git', spec: 'git:v1', commit: first, label: `v1 (${first.slice(0, 12)})`, format: 'source' });
      expect(snapshot.packageDirs).to.deep.equal(['force-app']);
      const foo = snapshot.components.get('ApexClass:Foo')!;
      const body = foo.content[0];
      expect(body.path).to.equal(`${D}/classes/Foo.cls`);
      expect((await body.read()).toString()).to.equal('public class Foo {}');
      expect(body.hash).to.equal(gitBlobId(Buffer.from('public class Foo {}')));
    } finally {
      repo.git('checkout', '-q', '--', '.');
      rmSync(join(repo.dir, D, 'classes/WorkTreeOnly.cls'));
      rmSync(join(repo.dir, D, 'classes/WorkTreeOnly.cls-meta.xml'));
    }
  });

  it('gives the same hashes as the work tree, so git:HEAD against dir:. has no changes', async () => {
    const [git, dir] = await Promise.all([readGitSource(spec('HEAD'), options), readSource({ kind: 'dir', value: '.', guessed: false }, options)]);
    expect(keys(git)).to.deep.equal(keys(dir));
    const changeset = await compareSnapshots(git, dir, { registry: registryFor(repo.dir) });
    expect(changeset.changes).to.deep.equal([]);
  });

  // Git for Windows sets core.autocrlf: the work tree's text files have CRLF where git's blobs have LF.
  it('a checkout with core.autocrlf against its own HEAD has no changes (line endings are formatting)', async () => {
    const clone = mkdtempSync(join(tmpdir(), 'sf-federate-autocrlf-'));
    try {
      execFileSync('git', ['clone', '-q', '-c', 'core.autocrlf=true', repo.dir, clone]);
      expect(readFileSync(join(clone, D, 'classes/Foo.cls-meta.xml'), 'utf8')).to.include('\r\n');
      const cloned = { apiVersion: '62.0', projectDir: clone };
      const [git, dir] = await Promise.all([readGitSource(spec('HEAD'), cloned), readSource({ kind: 'dir', value: clone, guessed: false }, cloned)]);
      const changeset = await compareSnapshots(git, dir, { registry: registryFor(clone) });
      expect(changeset.changes).to.deep.equal([]);
      const strict = await compareSnapshots(git, dir, { registry: registryFor(clone), strict: true });
      expect(strict.changes.length).to.be.greaterThan(0);
      expect(strict.changes.every((change) => change.formattingOnly)).to.equal(true);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  it('names a file it cannot classify by its path in the ref, in the reason too', async () => {
    const other = new TestRepo();
    try {
      other.commit({ 'sfdx-project.json': PROJECT_JSON, [`${D}/classes/Orphan.cls-meta.xml`]: apexClass('Orphan')[`${D}/classes/Orphan.cls-meta.xml`] });
      const snapshot = await readGitSource(spec('HEAD'), { apiVersion: '62.0', projectDir: other.dir });
      expect(snapshot.unclassified).to.have.length(1);
      const [file] = snapshot.unclassified;
      expect(file.path).to.equal(`${D}/classes/Orphan.cls-meta.xml`);
      expect(file.reason).to.match(new RegExp(`^${D}/classes/Orphan\\.cls-meta\\.xml: `));
    } finally {
      other.remove();
    }
  });

  it('narrows with :PATH and with sourceDirs', async () => {
    const byPath = await readGitSource(spec(`HEAD:${D}/classes`), options);
    expect(keys(byPath)).to.deep.equal(['ApexClass:Bar', 'ApexClass:Foo']);
    expect(byPath.components.get('ApexClass:Bar')!.xml!.path).to.equal('Bar.cls-meta.xml');
    const bySourceDir = await readGitSource(spec('HEAD'), { ...options, sourceDirs: [`${D}/lwc`] });
    expect(keys(bySourceDir)).to.deep.equal(['LightningComponentBundle:card']);
  });

  it('recognises refs of the repository and nothing else', async () => {
    expect(await gitSourceKind.recognises('v1', options)).to.equal(true);
    expect(await gitSourceKind.recognises('HEAD~1', options)).to.equal(true);
    expect(await gitSourceKind.recognises('no-such-branch', options)).to.equal(false);
    expect(await settleSourceSpec({ kind: 'dir', value: 'v1', guessed: true }, options)).to.include({ kind: 'git' });
  });

  it('rewrites from to the merge base of two refs', async () => {
    repo.git('checkout', '-q', '-b', 'feature', 'v1');
    const feature = repo.commit({ ...apexClass('OnFeature') }, 'feature work');
    repo.git('checkout', '-q', 'main');
    try {
      const base = await mergeBaseSpec(spec('main'), spec('feature'), repo.dir);
      expect(base).to.deep.equal({ kind: 'git', value: first, guessed: false, mergeBaseOf: { from: 'main', to: 'feature' } });
      expect(feature).to.not.equal(first);
      // Shown as the ref named and what it is the base of, not as a bare commit id (a PR comment's title).
      const read = await readGitSource(base, { apiVersion: '62.0', projectDir: repo.dir });
      expect([read.source.spec, read.source.label]).to.deep.equal(['git:main', `merge base of main and feature (${first.slice(0, 12)})`]);
      const withPath = await mergeBaseSpec(spec(`main:${D}`), spec('feature'), repo.dir);
      expect(withPath.value).to.equal(`${first}:${D}`);
    } finally {
      repo.git('branch', '-q', '-D', 'feature');
    }
  });

  it('takes sfdx-project.json and .forceignore from the ref itself', async () => {
    const other = new TestRepo();
    try {
      other.commit({ 'sfdx-project.json': PROJECT_JSON, ...apexClass('Kept'), ...apexClass('Ignored'), '.forceignore': '**/Ignored.cls*\n' });
      other.git('tag', 'a');
      other.commit({
        'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'other-app' }] }),
        ...Object.fromEntries(Object.entries(apexClass('Elsewhere')).map(([path, text]) => [path.replace('force-app', 'other-app'), text])),
        '.forceignore': null,
      });
      writeFileSync(join(other.dir, '.forceignore'), '**/Kept.cls*\n'); // work tree only: must not apply to a ref
      const a = await readGitSource(spec('a'), { ...options, projectDir: other.dir });
      expect(keys(a)).to.deep.equal(['ApexClass:Kept']);
      const head = await readGitSource(spec('HEAD'), { ...options, projectDir: other.dir });
      expect(head.packageDirs).to.deep.equal(['other-app']);
      expect(keys(head)).to.deep.equal(['ApexClass:Elsewhere']);
    } finally {
      other.remove();
    }
  });

  it("warns when a ref's sfdx-project.json sets up the registry otherwise than the project that classifies it", async () => {
    const other = new TestRepo();
    try {
      const base = JSON.parse(PROJECT_JSON) as Record<string, unknown>;
      other.commit({ 'sfdx-project.json': PROJECT_JSON, ...apexClass('A') });
      other.git('tag', 'before');
      const settings = { sourceBehaviorOptions: ['decomposePermissionSetBeta2'], registryCustomizations: { types: { x: { id: 'x', name: 'X' } }, children: {} } };
      other.commit({ 'sfdx-project.json': JSON.stringify({ ...base, ...settings }, null, 2) });
      other.git('tag', 'after');
      // The same settings, keys in another order: not a difference.
      other.commit({ 'sfdx-project.json': JSON.stringify({ registryCustomizations: { children: {}, types: { x: { name: 'X', id: 'x' } } }, ...base, sourceBehaviorOptions: settings.sourceBehaviorOptions }) });
      const warnings = async (ref: string): Promise<string[]> => {
        const seen: string[] = [];
        await readGitSource(spec(ref), { ...options, projectDir: other.dir, onProgress: (event) => event.kind === 'warning' && seen.push(event.message) });
        return seen;
      };
      const [before] = await warnings('before');
      expect(before).to.include('sfdx-project.json at before (').and.to.include('sets registryCustomizations, sourceBehaviorOptions otherwise').and.to.include(other.dir);
      expect(await warnings('after')).to.deep.equal([]);
      expect(await warnings('HEAD')).to.deep.equal([]);
    } finally {
      other.remove();
    }
  });

  it('leaves out symbolic links and submodules inside the package directories, with a warning that names them', async () => {
    const other = new TestRepo();
    try {
      const base = other.commit({ 'sfdx-project.json': PROJECT_JSON, '.forceignore': '**/Ignored.cls\n', ...apexClass('Real') }, 'base');
      symlinkSync('Real.cls', join(other.dir, D, 'classes', 'Linked.cls'));
      symlinkSync('Real.cls', join(other.dir, D, 'classes', 'Ignored.cls'));
      // A submodule as git stores it: a tree entry of mode 160000 holding another repository's commit id.
      // Committed without `add -A`, which would stage the missing folder as deleted.
      other.git('update-index', '--add', '--cacheinfo', `160000,${base},${D}/vendored`);
      other.git('add', '--', `${D}/classes`);
      other.git('commit', '-qm', 'links');
      expect(other.git('ls-tree', '-r', 'HEAD', '--', `${D}/`)).to.match(/^160000 commit /m).and.to.match(/^120000 blob /m);
      const seen: string[] = [];
      const onProgress = (event: { kind: string; message?: string }): void => {
        if (event.kind === 'warning' && event.message) seen.push(event.message);
      };
      const snapshot = await readGitSource(spec('HEAD'), { ...options, projectDir: other.dir, onProgress });
      expect(keys(snapshot)).to.deep.equal(['ApexClass:Real']);
      expect(snapshot.unclassified.map((file) => file.path)).to.deep.equal([]);
      expect(seen).to.have.length(1);
      expect(seen[0]).to.include('HEAD (').and.to.include('2 symbolic link(s) or submodule(s)');
      expect(seen[0]).to.include(`${D}/classes/Linked.cls`).and.to.include(`${D}/vendored`).and.not.to.include('Ignored.cls');
      // The delta of two refs lists each side the same way: the links are not a change, and each side says so.
      seen.length = 0;
      const [a, b] = await readSourcePair(spec('HEAD~1'), spec('HEAD'), { ...options, projectDir: other.dir, onProgress });
      expect((await compareSnapshots(a, b, { registry: registryFor(other.dir) })).changes).to.deep.equal([]);
      expect(seen).to.have.length(1);
      expect(seen[0]).to.include('HEAD (');
    } finally {
      other.remove();
    }
  });

  it("leaves out of both refs what the `to` ref's .forceignore ignores: starting to ignore a file does not delete it", async () => {
    const other = new TestRepo();
    try {
      other.commit({ 'sfdx-project.json': PROJECT_JSON, ...apexClass('A'), ...apexClass('B') }, 'base');
      other.commit({ '.forceignore': '**/B.cls*\n', ...apexClass('A', 'public class A { void x() {} }') }, 'ignore B');
      other.commit({ '.forceignore': null }, 'stop ignoring B');
      other.commit({ '.forceignore': '**/B.cls*\n', ...apexClass('B', 'public class B { void y() {} }') }, 'change B and ignore it');
      const delta = (from: string, to: string): Promise<PairDelta> => pairDelta(other.dir, spec(from), spec(to));
      // B is in both trees, unchanged: ignoring it from now on is not removing it (no destructive change).
      const ignoring = await delta('HEAD~3', 'HEAD~2');
      expect(ignoring.changes).to.deep.equal(['changed ApexClass:A']);
      expect(ignoring.warnings.join('\n')).to.include('.forceignore of HEAD~3 (').and.to.include('differ');
      // Ceasing to ignore it: `sf project deploy` from the `to` ref now deploys it, so it is added.
      expect((await delta('HEAD~2', 'HEAD~1')).changes).to.deep.equal(['added ApexClass:B']);
      // A change to a file that the `to` ref ignores is left out.
      expect((await delta('HEAD~1', 'HEAD')).changes).to.deep.equal([]);
      // The other way round, the file the `to` ref ignores stays out as well: no removal either way.
      expect((await delta('HEAD~2', 'HEAD~3')).changes).to.deep.equal(['changed ApexClass:A', 'added ApexClass:B']);
      // One .forceignore on both sides: no warning, and what it ignores stays out.
      const same = await delta('HEAD~3', 'HEAD~3');
      expect(same).to.deep.equal({ changes: [], warnings: [] });
    } finally {
      other.remove();
    }
  });

  it("leaves out of a ref what the work tree's .forceignore ignores, object fields included, and says so", async () => {
    const other = new TestRepo();
    try {
      other.commit({ 'sfdx-project.json': PROJECT_JSON, ...apexClass('A'), ...apexClass('B'), ...customObject('Thing__c'), ...field('Thing__c', 'F__c') });
      other.write({ '.forceignore': '**/B.cls*\n**/objects/Thing__c/**\n' }); // not committed: the work tree only
      const warnings: string[] = [];
      const onProgress = (event: { kind: string; message?: string }): void => {
        if (event.kind === 'warning' && event.message) warnings.push(event.message);
      };
      const read = { ...options, projectDir: other.dir, onProgress };
      const kinds = async (a: Snapshot, b: Snapshot): Promise<string[]> =>
        (await compareSnapshots(a, b, { registry: registryFor(other.dir) })).changes.map((change) => `${change.kind} ${change.key}`);
      const dir: SourceSpec = { kind: 'dir', value: '.', guessed: false };
      // What the work tree ignores is neither compared nor deleted.
      const [ref, tree] = await readSourcePair(spec('HEAD'), dir, read);
      expect(await kinds(ref, tree)).to.deep.equal([]);
      expect(ref.components.has('ApexClass:B')).to.equal(false);
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.include('3 component(s) of git:HEAD').and.to.include('.forceignore of dir:.');
      expect(warnings[0]).to.include('ApexClass:B').and.to.include('CustomField:Thing__c.F__c').and.to.include('CustomObject:Thing__c');
      // The other way round, the ref ignores nothing: what the work tree ignored is added, as deploying the ref would.
      const [back, ahead] = await readSourcePair(dir, spec('HEAD'), read);
      expect(await kinds(back, ahead)).to.deep.equal(['added ApexClass:B', 'added CustomField:Thing__c.F__c', 'added CustomObject:Thing__c']);
    } finally {
      other.remove();
    }
  });

  it('does not delete what lies outside the package directories of the `to` ref, and still follows a package directory that moved', async () => {
    const other = new TestRepo();
    const project = (...dirs: string[]): string => JSON.stringify({ packageDirectories: dirs.map((path, index) => ({ path, ...(index ? {} : { default: true }) })) });
    const inExtra = (dir: string): Record<string, string> => Object.fromEntries(Object.entries(apexClass('X')).map(([path, text]) => [path.replace('force-app', dir), text]));
    try {
      other.commit({ 'sfdx-project.json': project('force-app', 'extra'), ...apexClass('A'), ...inExtra('extra') }, 'two package directories');
      other.commit({ 'sfdx-project.json': project('force-app') }, 'extra dropped, its files kept');
      other.commit({ 'sfdx-project.json': project('force-app', 'moved'), ...inExtra('moved'), ...Object.fromEntries(Object.keys(inExtra('extra')).map((path) => [path, null])) }, 'extra moved');
      other.commit({ 'sfdx-project.json': project('force-app'), ...Object.fromEntries(Object.keys(inExtra('moved')).map((path) => [path, null])) }, 'moved dropped, its files deleted');
      const delta = (from: string, to: string): Promise<PairDelta> => pairDelta(other.dir, spec(from), spec(to));
      const dropped = await delta('HEAD~3', 'HEAD~2');
      expect(dropped.changes).to.deep.equal([]);
      expect(dropped.warnings).to.have.length(1);
      expect(dropped.warnings[0]).to.include('ApexClass:X').and.to.include('outside the package directories of git:HEAD~2 (force-app)');
      // A package directory renamed, its files moved along: the class is in both, so it is compared (and equal).
      const moved = await delta('HEAD~3', 'HEAD~1');
      expect(moved).to.deep.equal({ changes: [], warnings: [] });
      // Dropped with its files: still not deleted, only named; deleting is left to an explicit destructive manifest.
      const deleted = await delta('HEAD~1', 'HEAD');
      expect(deleted.changes).to.deep.equal([]);
      expect(deleted.warnings.join('\n')).to.include('ApexClass:X');
      // The other way round, a package directory listed again: its class is added, as a deploy of `to` includes it.
      expect(await delta('HEAD~2', 'HEAD~3')).to.deep.equal({ changes: ['added ApexClass:X'], warnings: [] });
    } finally {
      other.remove();
    }
  });

  it('does not delete a class whose -meta.xml is gone while its body stays: it is reported as a file that does not read', async () => {
    const other = new TestRepo();
    try {
      other.commit({ 'sfdx-project.json': PROJECT_JSON, ...apexClass('A'), ...apexClass('B') });
      other.commit({ [`${D}/classes/B.cls-meta.xml`]: null }, 'meta file deleted');
      const dir: SourceSpec = { kind: 'dir', value: '.', guessed: false };
      for (const to of [spec('HEAD'), dir]) {
        // eslint-disable-next-line no-await-in-loop -- one target after the other
        const { changes, warnings } = await pairDelta(other.dir, spec('HEAD~1'), to);
        expect(changes, to.value).to.deep.equal([]);
        expect(warnings.join('\n'), to.value).to.include('ApexClass:B').and.to.include('not deleted');
      }
      const [, head] = await readSourcePair(spec('HEAD~1'), spec('HEAD'), { ...options, projectDir: other.dir });
      expect(head.unclassified).to.deep.equal([{ path: `${D}/classes/B.cls`, reason: `${D}/classes/B.cls-meta.xml is missing: ApexClass B cannot be deployed without it` }]);
    } finally {
      other.remove();
    }
  });

  it('reads a static resource or a document without its -meta.xml as a folder does: not a component (found on ecars, OrgCheck)', async () => {
    const other = new TestRepo();
    const resource = `${D}/staticresources/styles.css`;
    const document = `${D}/documents/Public/Logo.png`;
    try {
      other.commit({
        'sfdx-project.json': PROJECT_JSON,
        ...apexClass('A'),
        [resource]: 'body { color: blue; }\n',
        [`${D}/staticresources/styles.resource-meta.xml`]: xml('StaticResource', '<cacheControl>Public</cacheControl><contentType>text/css</contentType>'),
      });
      other.commit({ [`${D}/staticresources/styles.resource-meta.xml`]: null, [resource]: 'body { color: red; }\n', [document]: 'PNG' }, 'meta deleted, body changed; a document without one');
      const dir: SourceSpec = { kind: 'dir', value: '.', guessed: false };
      for (const to of [spec('HEAD'), dir]) {
        // eslint-disable-next-line no-await-in-loop -- one target after the other
        const { changes, warnings } = await pairDelta(other.dir, spec('HEAD~1'), to);
        expect(changes, to.value).to.deep.equal([]);
        expect(warnings.join('\n'), to.value).to.include('StaticResource:styles').and.to.include('not deleted');
      }
      const [, head] = await readSourcePair(spec('HEAD~1'), spec('HEAD'), { ...options, projectDir: other.dir });
      expect(head.unclassified).to.deep.equal([
        { path: document, reason: `${D}/documents/Public/Logo.document-meta.xml is missing: Document Logo cannot be deployed without it` },
        { path: resource, reason: `${D}/staticresources/styles.resource-meta.xml is missing: StaticResource styles cannot be deployed without it` },
      ]);
    } finally {
      other.remove();
    }
  });

  it('does not delete an object whose own file is gone while its fields stay; an empty object file adds nothing', async () => {
    const other = new TestRepo();
    const objectFile = `${D}/objects/Thing__c/Thing__c.object-meta.xml`;
    try {
      other.commit({ 'sfdx-project.json': PROJECT_JSON, ...customObject('Thing__c'), ...field('Thing__c', 'A__c'), ...apexClass('A') });
      other.commit({ ...field('Thing__c', 'B__c') }, 'a second field');
      other.commit({ [objectFile]: null, [`${D}/objects/Thing__c/fields/B__c.field-meta.xml`]: null, ...apexClass('A', 'public class A { }') }, 'object file and one field deleted, the other field kept');
      const dir: SourceSpec = { kind: 'dir', value: '.', guessed: false };
      for (const to of [spec('HEAD'), dir]) {
        // eslint-disable-next-line no-await-in-loop -- one target after the other
        const { changes, warnings } = await pairDelta(other.dir, spec('HEAD~1'), to);
        expect(changes, to.value).to.deep.equal(['changed ApexClass:A', 'removed CustomField:Thing__c.B__c']);
        expect(warnings.join('\n'), to.value).to.include('CustomObject Thing__c is not deleted').and.to.include(objectFile);
      }
      // What a metadata-format source converts to: an object file with nothing of its own beside its fields.
      other.commit({ [objectFile]: xml('CustomObject', '') }, 'an empty object file');
      // The file back with what it sets is an addition; an empty one is nothing, either way round, and says nothing.
      expect(await pairDelta(other.dir, spec('HEAD~1'), spec('HEAD~2'))).to.deep.equal({ changes: ['changed ApexClass:A', 'added CustomField:Thing__c.B__c', 'added CustomObject:Thing__c'], warnings: [] });
      expect(await pairDelta(other.dir, spec('HEAD~1'), spec('HEAD'))).to.deep.equal({ changes: [], warnings: [] });
      expect(await pairDelta(other.dir, spec('HEAD'), spec('HEAD~1'))).to.deep.equal({ changes: [], warnings: [] });
    } finally {
      other.remove();
    }
  });

  it('names a file missing from a ref by the ref and its path, never by the internal mount', async () => {
    const side = await openGitSide(spec('v1'), options);
    const tree = mountSide(side);
    expect(() => gitFileStore(side, tree).fileSync!(`${tree.root}/${D}/classes/Gone.cls`))
      .to.throw(`git:v1:${D}/classes/Gone.cls`)
      .with.property('message')
      .that.does.not.include('__sf-federate-git__');
  });

  it('reads paths with spaces and non-ASCII characters', async () => {
    const other = new TestRepo();
    try {
      other.commit({ 'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'mon app' }] }), ...Object.fromEntries(Object.entries(lwc('carte')).map(([path, text]) => [path.replace('force-app', 'mon app'), text])) });
      other.commit({ 'mon app/main/default/lwc/carte/carte.html': '<template>Änderung — 变更</template>\n', 'mon app/main/default/lwc/carte/données é.json': '{}' });
      const [a, b] = await readSourcePair(spec('HEAD~1'), spec('HEAD'), { ...options, projectDir: other.dir });
      const changeset = await compareSnapshots(a, b, { registry: registryFor() });
      expect(changeset.changes.map((change) => [change.kind, change.key])).to.deep.equal([['changed', 'LightningComponentBundle:carte']]);
      expect(changeset.changes[0].files).to.deep.equal(['mon app/main/default/lwc/carte/carte.html', 'mon app/main/default/lwc/carte/données é.json']);
      const html = b.components.get('LightningComponentBundle:carte')!.content.find((file) => file.path.endsWith('carte.html'))!;
      expect((await html.read()).toString()).to.equal('<template>Änderung — 变更</template>\n');
    } finally {
      other.remove();
    }
  });
});

describe('git sources: the changed-paths-only pair', () => {
  let repo: TestRepo;
  const options = (): { apiVersion: string; projectDir: string } => ({ apiVersion: '62.0', projectDir: repo.dir });

  before(() => {
    repo = new TestRepo();
    const classes: Record<string, string> = {};
    for (let i = 0; i < 30; i++) Object.assign(classes, apexClass(`Class${i}`));
    repo.commit({ 'sfdx-project.json': PROJECT_JSON, ...classes, ...customObject('Thing__c'), ...field('Thing__c', 'A__c'), ...field('Thing__c', 'B__c'), ...labels({ Hello: 'Hi', Bye: 'Bye' }), ...lwc('card') });
    repo.git('tag', 'base');
    repo.commit({
      ...apexClass('Class3', 'public class Class3 { Integer x; }'),
      ...field('Thing__c', 'B__c', 'B changed'),
      ...labels({ Hello: 'Hello', Bye: 'Bye' }),
      [`${D}/lwc/card/card.html`]: null,
      [`${D}/classes/Class7.cls`]: null,
      [`${D}/classes/Class7.cls-meta.xml`]: null,
    });
    // A move: same component, another folder.
    repo.git('mv', `${D}/classes/Class9.cls`, `${D}/classes/Class9.cls-meta.xml`, 'force-app/main/');
    repo.commit({}, 'move Class9');
    repo.git('tag', 'head');
  });
  after(() => repo.remove());

  it('resolves only components whose files changed, and compares exactly as the whole trees do', async () => {
    const [a, b] = await readSourcePair(spec('base'), spec('head'), options());
    expect(keys(a)).to.deep.equal(['ApexClass:Class3', 'ApexClass:Class7', 'ApexClass:Class9', 'CustomField:Thing__c.B__c', 'CustomLabels:CustomLabels', 'CustomObject:Thing__c', 'LightningComponentBundle:card']);
    expect(keys(b)).to.deep.equal(['ApexClass:Class3', 'ApexClass:Class9', 'CustomField:Thing__c.B__c', 'CustomLabels:CustomLabels', 'CustomObject:Thing__c', 'LightningComponentBundle:card']);

    const [fullA, fullB] = await Promise.all([readGitSource(spec('base'), options()), readGitSource(spec('head'), options())]);
    expect(fullA.components.size).to.equal(35);
    const registry = registryFor(repo.dir);
    const narrowed = await compareSnapshots(a, b, { registry });
    const whole = await compareSnapshots(fullA, fullB, { registry });
    expect(narrowed.changes).to.deep.equal(whole.changes);
    expect(narrowed.changes.map((change) => `${change.kind} ${change.key}`)).to.deep.equal([
      'changed ApexClass:Class3',
      'removed ApexClass:Class7',
      'renamed ApexClass:Class9',
      'changed CustomField:Thing__c.B__c',
      'changed CustomLabel:Hello',
      'changed LightningComponentBundle:card',
    ]);
    const moved = narrowed.changes.find((change) => change.key === 'ApexClass:Class9')!;
    expect(moved.fromPaths).to.deep.equal([`${D}/classes/Class9.cls-meta.xml`, `${D}/classes/Class9.cls`]);
    expect(moved.toPaths).to.deep.equal(['force-app/main/Class9.cls-meta.xml', 'force-app/main/Class9.cls']);
  });

  it('leaves forceignored files out as the whole trees do, with one .forceignore on both sides or two different ones', async () => {
    const other = new TestRepo();
    try {
      const tests = `${D}/lwc/card/__tests__/card.test.js`;
      other.commit({
        'sfdx-project.json': PROJECT_JSON,
        '.forceignore': '**/__tests__/**\n**/Ignored.cls*\n',
        ...lwc('card'),
        [tests]: 'it("a", () => {});\n',
        ...apexClass('Ignored'),
        ...apexClass('A'),
      });
      other.git('tag', 'one');
      // Same .forceignore: an ignored file of a changed bundle, an ignored class and a real change.
      other.commit({ [tests]: 'it("b", () => {});\n', [`${D}/lwc/card/card.js`]: 'export default class Card {}', ...apexClass('Ignored', 'public class Ignored { Integer x; }'), ...apexClass('A', 'public class A { Integer y; }') });
      other.git('tag', 'two');
      // Another .forceignore: Ignored is no longer ignored, the tests of the bundle still are.
      other.commit({ '.forceignore': '**/__tests__/**\n' });
      other.git('tag', 'three');

      const registry = registryFor(other.dir);
      const opts = { apiVersion: '62.0', projectDir: other.dir };
      for (const [from, to, expected] of [
        ['one', 'two', ['changed ApexClass:A', 'changed LightningComponentBundle:card']],
        ['one', 'three', ['changed ApexClass:A', 'added ApexClass:Ignored', 'changed LightningComponentBundle:card']],
      ] as const) {
        // eslint-disable-next-line no-await-in-loop -- two ranges, one after the other
        const [a, b] = await readSourcePair(spec(from), spec(to), opts);
        // eslint-disable-next-line no-await-in-loop
        const [fullA, fullB] = await Promise.all([readGitSource(spec(from), opts), readGitSource(spec(to), opts)]);
        // eslint-disable-next-line no-await-in-loop
        const [narrowed, whole] = await Promise.all([compareSnapshots(a, b, { registry }), compareSnapshots(fullA, fullB, { registry })]);
        expect(narrowed.changes, `${from}..${to}`).to.deep.equal(whole.changes);
        expect(narrowed.changes.map((change) => `${change.kind} ${change.key}`)).to.deep.equal(expected);
        const card = b.components.get('LightningComponentBundle:card')!;
        expect(card.content.map((file) => file.path)).to.not.include(tests);
        expect(card.hash).to.equal(fullB.components.get('LightningComponentBundle:card')!.hash);
      }
    } finally {
      other.remove();
    }
  });

  it('never reads a blob that is the same on both sides', async () => {
    // Both refs hold the same malformed XML file; parsing it would fail with MalformedXml.
    const other = new TestRepo();
    try {
      other.commit({ 'sfdx-project.json': PROJECT_JSON, ...labels({ A: 'a' }), [`${D}/labels/CustomLabels.labels-meta.xml`]: '<CustomLabels><labels>', ...apexClass('X') });
      other.commit({ ...apexClass('X', 'public class X { }') });
      const [a, b] = await readSourcePair(spec('HEAD~1'), spec('HEAD'), { apiVersion: '62.0', projectDir: other.dir });
      const changeset = await compareSnapshots(a, b, { registry: registryFor() });
      expect(changeset.changes.map((change) => change.key)).to.deep.equal(['ApexClass:X']);
      expect(keys(b)).to.deep.equal(['ApexClass:X']);
    } finally {
      other.remove();
    }
  });
});

describe('git sources: bad input', () => {
  let repo: TestRepo;
  const options = (): { apiVersion: string; projectDir: string } => ({ apiVersion: '62.0', projectDir: repo.dir });

  before(() => {
    repo = new TestRepo();
    repo.commit({ 'README.md': 'no project here\n' }, 'no project');
    repo.git('tag', 'bare');
    repo.commit({ 'sfdx-project.json': PROJECT_JSON, ...apexClass('Good'), ...customObject('Broken__c') }, 'project');
    repo.commit({ [`${D}/objects/Broken__c/Broken__c.object-meta.xml`]: '<?xml version="1.0"?>\n<CustomObject>\n  <label>oops</lab>\n</CustomObject>\n' }, 'break it');
  });
  after(() => repo.remove());

  it('refuses an unknown ref, naming it', async () => {
    const error = await expectError(readGitSource(spec('no-such-ref'), options()), 'UnknownRefError');
    expect(error.message).to.contain('"no-such-ref"').and.to.contain(repo.dir);
    expect(error.exitCode).to.equal(2);
    await expectError(readGitSource(spec('HEAD~40'), options()), 'UnknownRefError');
  });

  it('says a source kind that does not exist is one, instead of suggesting dir:svn:trunk', async () => {
    for (const value of ['svn:trunk', 'Dir:force-app']) {
      // eslint-disable-next-line no-await-in-loop
      const error = await expectError(settleSourceSpec(parseSourceSpec(value), options()), 'UnknownSourceKindError');
      expect(error.exitCode).to.equal(2);
      expect(error.message).to.contain(`"${value}"`).and.to.contain(`"${value.split(':')[0]}:" is not a kind of source`);
      expect(error.actions!.join('\n')).to.contain('dir:').and.to.contain('git:REF:PATH').and.to.not.contain(`dir:${value}`);
    }
    // A value without a kind keeps the advice to prefix it.
    const plain = await expectError(settleSourceSpec(parseSourceSpec('no-such-thing'), options()), 'SourceNotFoundError');
    expect(plain.actions!.join('\n')).to.contain('dir:no-such-thing');
  });

  it('refuses a directory that is not a repository', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'sf-federate-norepo-'));
    try {
      await expectError(readGitSource(spec('HEAD'), { apiVersion: '62.0', projectDir: empty }), 'NotARepositoryError');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('says how to fetch the history a shallow clone lacks', async () => {
    const clone = mkdtempSync(join(tmpdir(), 'sf-federate-shallow-'));
    try {
      execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo.dir}`, clone]);
      const error = await expectError(readGitSource(spec('HEAD~1'), { apiVersion: '62.0', projectDir: clone }), 'ShallowCloneError');
      expect(error.message).to.contain('HEAD~1').and.to.contain('shallow');
      expect(error.actions!.join('\n')).to.contain('git fetch --unshallow').and.to.contain('fetch-depth: 0');
      await expectError(mergeBaseSpec(spec('HEAD'), spec(rootCommit(repo)), clone), 'ShallowCloneError');
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  it('refuses a ref without sfdx-project.json, naming the ref', async () => {
    const error = await expectError(readGitSource(spec('bare'), options()), 'NoProjectAtRefError');
    expect(error.message).to.contain('bare (');
    expect(error.actions!.join('\n')).to.contain('git:bare:force-app');
  });

  it('names the project a ref has in a folder when it has none at the top, and how to read it', async () => {
    const other = new TestRepo();
    try {
      other.commit({ 'README.md': 'apps\n', 'Org Setup/sfdx-project.json': PROJECT_JSON, ...Object.fromEntries(Object.entries(apexClass('A')).map(([path, text]) => [`Org Setup/${path}`, text])) });
      const outside = mkdtempSync(join(tmpdir(), 'sf-federate-outside-'));
      try {
        const error = await expectError(readGitSource(spec('HEAD'), { apiVersion: '62.0', projectDir: outside, repoDir: other.dir }), 'NoProjectAtRefNestedError');
        expect(error.message).to.contain('the top of the repository').and.to.contain('the ref has one in Org Setup');
        expect(error.actions!.join('\n')).to.contain('"git:HEAD:Org Setup"');
        // The folder it names reads.
        const snapshot = await readGitSource(spec('HEAD:Org Setup'), { apiVersion: '62.0', projectDir: outside, repoDir: other.dir });
        expect([...snapshot.components.keys()]).to.deep.equal(['ApexClass:A']);
      } finally {
        rmSync(outside, { recursive: true, force: true });
      }
    } finally {
      other.remove();
    }
  });

  it('names the metadata-format folder (an Ant src/ with its package.xml) of a ref without sfdx-project.json, and that name reads', async () => {
    const other = new TestRepo();
    try {
      const packageXml = '<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="http://soap.sforce.com/2006/04/metadata">\n    <types>\n        <members>A</members>\n        <name>ApexClass</name>\n    </types>\n    <version>62.0</version>\n</Package>\n';
      other.commit({ 'build.xml': '<project/>\n', 'src/package.xml': packageXml, 'src/classes/A.cls': 'public class A {}\n', 'src/classes/A.cls-meta.xml': apexClass('A')[`${D}/classes/A.cls-meta.xml`] });
      const outside = mkdtempSync(join(tmpdir(), 'sf-federate-outside-'));
      try {
        const error = await expectError(readGitSource(spec('HEAD'), { apiVersion: '62.0', projectDir: outside, repoDir: other.dir }), 'NoProjectAtRefError');
        expect(error.actions!.join('\n')).to.contain('git:HEAD:src, or --source-dir src');
        const snapshot = await readGitSource(spec('HEAD:src'), { apiVersion: '62.0', projectDir: outside, repoDir: other.dir });
        expect([...snapshot.components.keys()]).to.deep.equal(['ApexClass:A']);
      } finally {
        rmSync(outside, { recursive: true, force: true });
      }
    } finally {
      other.remove();
    }
  });

  it('refuses a :PATH the ref does not have', async () => {
    const error = await expectError(readGitSource(spec('HEAD:nope'), options()), 'MissingPathAtRefError');
    expect(error.message).to.contain('nope');
  });

  it('names the ref and the path of a file that is not valid XML', async () => {
    const [a, b] = await readSourcePair(spec('HEAD~1'), spec('HEAD'), options());
    const error = await expectError(compareSnapshots(a, b, { registry: registryFor() }), 'MalformedXmlError');
    expect(error.message).to.contain(`git:HEAD:${D}/objects/Broken__c/Broken__c.object-meta.xml`);
    expect(error.exitCode).to.equal(2);
  });

  it('refuses a repository in the middle of a merge', async () => {
    const other = new TestRepo();
    try {
      other.commit({ 'sfdx-project.json': PROJECT_JSON, ...apexClass('C') });
      other.git('checkout', '-q', '-b', 'side');
      other.commit({ ...apexClass('C', 'public class C { side }') });
      other.git('checkout', '-q', 'main');
      other.commit({ ...apexClass('C', 'public class C { main }') });
      try {
        other.git('merge', '-q', 'side');
      } catch {
        // conflict expected
      }
      expect(readFileSync(join(other.dir, D, 'classes/C.cls'), 'utf8')).to.contain('<<<<<<<');
      const error = await expectError(assertNoMergeInProgress(other.dir), 'MergeInProgressError');
      expect(error.message).to.contain(other.dir);
      expect(error.actions!.join('\n')).to.contain('git merge --abort');
      await assertNoMergeInProgress(repo.dir); // a clean repository passes

      // The checked-out commit, however named, is the state before the merge: refused, naming the ref.
      const opts = { apiVersion: '62.0', projectDir: other.dir };
      for (const ref of ['HEAD', 'main']) {
        // eslint-disable-next-line no-await-in-loop -- one ref after the other
        const refused = await expectError(readSourcePair(spec('side'), spec(ref), opts), 'MergeInProgressRefError');
        expect(refused.message).to.contain(`git:${ref}`).and.to.contain('MERGE_HEAD');
        expect(refused.exitCode).to.equal(2);
      }
      // Other commits are read from the object store as usual.
      const [a, b] = await readSourcePair(spec('HEAD~1'), spec('side'), opts);
      const changeset = await compareSnapshots(a, b, { registry: registryFor(other.dir) });
      expect(changeset.changes.map((change) => `${change.kind} ${change.key}`)).to.deep.equal(['changed ApexClass:C']);
    } finally {
      other.remove();
    }
  });
});

function rootCommit(repo: TestRepo): string {
  return repo.git('rev-list', '--max-parents=0', 'HEAD').trim();
}

export { xml };

describe('git sources: a metadata-format folder of a ref (git:REF:PATH with a package.xml)', function () {
  this.timeout(60_000);
  const workflow = (formula: string): string =>
    xml(
      'Workflow',
      `    <fieldUpdates>\n        <fullName>Set_Date</fullName>\n        <field>Description</field>\n        <formula>${formula}</formula>\n        <name>Set Date</name>\n        <notifyAssignee>false</notifyAssignee>\n        <operation>Formula</operation>\n        <protected>false</protected>\n    </fieldUpdates>`
    );
  const packageXml = '<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="http://soap.sforce.com/2006/04/metadata">\n    <types>\n        <members>*</members>\n        <name>Workflow</name>\n    </types>\n    <version>58.0</version>\n</Package>\n';

  it('is converted as dir:PATH is: the same folder compares equal, and a change is one of a field update, not of the file', async () => {
    const repo = new TestRepo();
    try {
      repo.commit({ 'md/package.xml': packageXml, 'md/workflows/Account.workflow': workflow('TEXT(Today())') });
      repo.commit({ 'md/workflows/Account.workflow': workflow('TEXT(TODAY())') }, 'formula');
      const options = { apiVersion: '62.0', projectDir: repo.dir };
      const [ref, folder] = await readSourcePair(spec('HEAD:md'), { kind: 'dir', value: 'md', guessed: false }, options);
      expect(ref.source.format).to.equal('metadata');
      expect((await compareSnapshots(ref, folder)).changes).to.deep.equal([]);
      const [before, after] = await readSourcePair(spec('HEAD~1:md'), spec('HEAD:md'), options);
      const { changes } = await compareSnapshots(before, after, { registry: registryFor() });
      expect(changes.map((change) => [change.kind, change.key, change.elements.map((element) => element.path)])).to.deep.equal([['changed', 'WorkflowFieldUpdate:Account.Set_Date', ['formula']]]);
    } finally {
      repo.remove();
    }
  });
});

describe('git sources: package directories written `./force-app` (as project templates write them)', function () {
  this.timeout(60_000);
  const project = (...dirs: string[]): string => JSON.stringify({ packageDirectories: dirs.map((path, index) => ({ path, ...(index ? {} : { default: true }) })), sourceApiVersion: '62.0' });

  const inOther = (files: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(files).map(([path, text]) => [path.replace('force-app/', 'other/'), text]));

  it('deletes what was removed when the range also changes the package directories', async () => {
    const repo = new TestRepo();
    try {
      repo.commit({ 'sfdx-project.json': project('./force-app'), ...apexClass('Keep'), ...apexClass('Gone') });
      // Gone removed, and a second package directory added: the `./force-app` entry itself does not change.
      repo.commit({ 'sfdx-project.json': project('./force-app', 'other/'), [`${D}/classes/Gone.cls`]: null, [`${D}/classes/Gone.cls-meta.xml`]: null, ...inOther(apexClass('Other')) });
      const warnings: string[] = [];
      const options = { apiVersion: '62.0', projectDir: repo.dir, onProgress: (event: { kind: string; message?: string }): void => void (event.kind === 'warning' && warnings.push(event.message!)) };
      const [a, b] = await readSourcePair(spec('HEAD~1'), spec('HEAD'), options);
      expect(b.packageDirs).to.deep.equal(['force-app', 'other']);
      const { changes } = await compareSnapshots(a, b, { registry: registryFor(repo.dir) });
      expect(changes.filter((change) => change.kind === 'removed').map((change) => change.key)).to.deep.equal(['ApexClass:Gone']);
      expect(warnings.join('\n')).to.not.include('Gone');
    } finally {
      repo.remove();
    }
  });
});
