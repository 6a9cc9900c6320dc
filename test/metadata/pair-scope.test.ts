import { expect } from 'chai';
import { scopeToTarget } from '../../src/metadata/pair-scope.js';
import type { Component, Snapshot, SourceInfo } from '../../src/metadata/types.js';

// Snapshots made by hand: which components the `from` side keeps depends only on the `to` side's scope.
const file = (path: string): Component['content'][number] => ({ path, hash: path, read: () => Promise.resolve(Buffer.from(path)) });
const apexClass = (name: string, dir: string): Component => ({
  key: `ApexClass:${name}`,
  type: 'ApexClass',
  fullName: name,
  xml: file(`${dir}/main/default/classes/${name}.cls-meta.xml`),
  content: [file(`${dir}/main/default/classes/${name}.cls`)],
  hash: name,
});
const snapshot = (source: Pick<SourceInfo, 'kind' | 'spec'>, packageDirs: string[], components: Component[], forceIgnore?: Snapshot['forceIgnore']): Snapshot => ({
  source: { ...source, label: source.spec, format: 'source' },
  apiVersion: '62.0',
  components: new Map(components.map((component) => [component.key, component])),
  children: new Map(),
  unclassified: [],
  packageDirs,
  ...(forceIgnore ? { forceIgnore } : {}),
});

describe('scopeToTarget', () => {
  const project = snapshot({ kind: 'dir', spec: 'dir:.' }, ['force-app', 'extra'], [apexClass('A', 'force-app'), apexClass('X', 'extra')]);

  it('leaves out of a project what lies outside the package directories of the project it is compared with, and says so', () => {
    const warnings: string[] = [];
    const to = snapshot({ kind: 'git', spec: 'git:HEAD' }, ['force-app'], [apexClass('A', 'force-app')]);
    const scoped = scopeToTarget(project, to, (event) => event.kind === 'warning' && warnings.push(event.message));
    expect([...scoped.components.keys()]).to.deep.equal(['ApexClass:A']);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include('ApexClass:X');
  });

  it('keeps what the other side has elsewhere, and leaves an org comparison alone (its layout is a retrieve, not a scope)', () => {
    const moved = snapshot({ kind: 'git', spec: 'git:HEAD' }, ['force-app', 'moved'], [apexClass('X', 'moved')]);
    expect([...scopeToTarget(project, moved).components.keys()]).to.deep.equal(['ApexClass:A', 'ApexClass:X']);
    const org = snapshot({ kind: 'org', spec: 'org:china' }, ['force-app'], [apexClass('A', 'force-app')]);
    expect(scopeToTarget(project, org)).to.equal(project);
    expect(scopeToTarget(org, project)).to.equal(org);
  });

  it("leaves out what the other side's .forceignore ignores, only when the two .forceignore differ", () => {
    const ignoresX = { text: '**/X.cls*\n', denies: (path: string): boolean => path.includes('/X.cls') };
    const to = snapshot({ kind: 'dir', spec: 'dir:other' }, ['force-app', 'extra'], [], ignoresX);
    expect([...scopeToTarget(project, to).components.keys()]).to.deep.equal(['ApexClass:A']);
    const same = snapshot({ kind: 'dir', spec: 'dir:.' }, ['force-app', 'extra'], [apexClass('A', 'force-app'), apexClass('X', 'extra')], ignoresX);
    expect(scopeToTarget(same, to)).to.equal(same);
  });
});
