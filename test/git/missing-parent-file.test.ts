import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runSgd } from '../../bench/sgd/run-sgd.js';
import { compareSnapshots } from '../../src/compare/compare.js';
import { runDiff } from '../../src/compare/run-diff.js';
import type { Changeset } from '../../src/compare/types.js';
import { readSourcePair } from '../../src/metadata/git/pair.js';
import { registryFor } from '../../src/metadata/registry.js';
import { DEFAULT_DIR as D, PROJECT_JSON, TestRepo, apexClass, field } from './repo-helper.js';
import { ourDelta, wholeTreeChanges } from './sgd-compare.js';

/*
 * A decomposed permission set whose own file (Ops.permissionset-meta.xml) is deleted while files of its children stay.
 * SDR cannot read such a folder: it refuses the children it addresses only through their parent, and takes a child
 * named after the folder for the parent's own file. Whatever the layout, the permission set is not deleted (deleting
 * it would also remove its assignments); a warning says why. Deleting the whole folder deletes it.
 */

const P = `${D}/permissionsets/Ops`;
const OWN_FILE = `${P}/Ops.permissionset-meta.xml`;
const permissionSet = (body: string): string => `<?xml version="1.0" encoding="UTF-8"?>\n<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">\n${body}\n</PermissionSet>\n`;
const fieldPermission = (fieldName: string, editable: boolean): string =>
  permissionSet(`    <fieldPermissions>\n        <editable>${editable}</editable>\n        <field>${fieldName}</field>\n        <readable>true</readable>\n    </fieldPermissions>`);
const userPermission = (enabled: boolean): string => permissionSet(`    <userPermissions>\n        <enabled>${enabled}</enabled>\n        <name>ApiEnabled</name>\n    </userPermissions>`);

type Layout = {
  readonly preset: string;
  /** The children's files, with a second version of the first one. */
  readonly children: (edited: boolean) => Record<string, string>;
};

const LAYOUTS: Record<string, Layout> = {
  'objectSettings files only (decomposePermissionSetBeta2)': {
    preset: 'decomposePermissionSetBeta2',
    children: (edited) => ({
      [`${P}/objectSettings/Account.objectSettings-meta.xml`]: fieldPermission('Account.Rating', edited),
      [`${P}/objectSettings/Contact.objectSettings-meta.xml`]: fieldPermission('Contact.Title', false),
    }),
  },
  'a child file named after the folder only (decomposePermissionSetBeta2)': {
    preset: 'decomposePermissionSetBeta2',
    children: (edited) => ({ [`${P}/Ops.userPermission-meta.xml`]: userPermission(!edited) }),
  },
  'both (decomposePermissionSetBeta2)': {
    preset: 'decomposePermissionSetBeta2',
    children: (edited) => ({
      [`${P}/Ops.userPermission-meta.xml`]: userPermission(!edited),
      [`${P}/objectSettings/Account.objectSettings-meta.xml`]: fieldPermission('Account.Rating', false),
    }),
  },
  'a folder per child type (decomposePermissionSetBeta)': {
    preset: 'decomposePermissionSetBeta',
    children: (edited) => ({ [`${P}/userPermissions/ApiEnabled.userPermission-meta.xml`]: userPermission(!edited) }),
  },
};

/** Commits: the permission set whole; its own file deleted; a child changed; the folder deleted. */
function layoutRepo(layout: Layout): TestRepo {
  const repo = new TestRepo();
  const project = JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0', sourceBehaviorOptions: [layout.preset] });
  repo.commit({ 'sfdx-project.json': project, ...apexClass('A'), [OWN_FILE]: permissionSet('    <hasActivationRequired>false</hasActivationRequired>\n    <label>Ops</label>'), ...layout.children(false) }, 'whole');
  repo.commit({ [OWN_FILE]: null }, 'own file deleted');
  repo.commit(layout.children(true), 'a child changed');
  repo.commit(Object.fromEntries(Object.keys(layout.children(true)).map((path) => [path, null])), 'folder deleted');
  return repo;
}

const WHOLE = 'HEAD~3';
const OWN_FILE_GONE = 'HEAD~2';
const CHILD_CHANGED = 'HEAD~1';
const FOLDER_GONE = 'HEAD';

const keysOf = (changeset: Changeset): string[] => changeset.changes.map((change) => `${change.kind} ${change.key}`);
const membersOf = (manifest: Record<string, string[]>): string[] => Object.entries(manifest).flatMap(([type, names]) => names.map((name) => `${type}:${name}`));

describe('a decomposed permission set whose own file is deleted while its children stay', function () {
  this.timeout(120_000);

  for (const [name, layout] of Object.entries(LAYOUTS)) {
    describe(name, () => {
      let repo: TestRepo;
      before(() => {
        repo = layoutRepo(layout);
      });
      after(() => repo.remove());

      it('is not deleted: a warning names it and its file, and no child is reported as not metadata (sgd deletes it)', async () => {
        const { changeset, manifests } = await ourDelta(repo.dir, WHOLE, OWN_FILE_GONE);
        expect(keysOf(changeset)).to.deep.equal([]);
        expect(membersOf(manifests.members.package)).to.deep.equal([]);
        expect(membersOf(manifests.members.destructiveChangesPost)).to.deep.equal([]);
        expect(changeset.unclassified).to.deep.equal([]);
        expect(changeset.warnings).to.have.length(1);
        expect(changeset.warnings[0]).to.include('PermissionSet Ops is not deleted').and.to.include(OWN_FILE);
        // The deliberate difference (docs/git.md): sgd deletes the permission set, and with it its assignments.
        const output = mkdtempSync(join(tmpdir(), 'sf-federate-sgd-'));
        try {
          const sgd = await runSgd({ repo: repo.dir, from: WHOLE, to: OWN_FILE_GONE, output });
          expect(sgd).to.deep.include({ package: {}, destructiveChanges: { PermissionSet: ['Ops'] } });
        } finally {
          rmSync(output, { recursive: true, force: true });
        }
      });

      it('is added when its file comes back', async () => {
        const { changeset, manifests } = await ourDelta(repo.dir, OWN_FILE_GONE, WHOLE);
        expect(keysOf(changeset)).to.deep.equal(['added PermissionSet:Ops']);
        expect(membersOf(manifests.members.package)).to.deep.equal(['PermissionSet:Ops']);
        expect(changeset.warnings).to.deep.equal([]);
      });

      it('is deleted with its whole folder, whether its own file went first or with the folder', async () => {
        for (const from of [WHOLE, OWN_FILE_GONE]) {
          // eslint-disable-next-line no-await-in-loop -- one range after the other
          const { changeset, manifests } = await ourDelta(repo.dir, from, FOLDER_GONE);
          expect(keysOf(changeset), from).to.deep.equal(['removed PermissionSet:Ops']);
          expect(membersOf(manifests.members.destructiveChangesPost), from).to.deep.equal(['PermissionSet:Ops']);
          expect(membersOf(manifests.members.package), from).to.deep.equal([]);
        }
      });

      it('a changed child of it with its file missing at both refs: a warning, and --copy-sources refuses (exit 2) and writes nothing', async () => {
        const { changeset, manifests } = await ourDelta(repo.dir, OWN_FILE_GONE, CHILD_CHANGED);
        expect(membersOf(manifests.members.package)).to.deep.equal(['PermissionSet:Ops']);
        expect(changeset.warnings).to.have.length(1);
        expect(changeset.warnings[0]).to.include('PermissionSet Ops (').and.to.include('cannot be deployed as it is').and.to.include(OWN_FILE);
        const output = join(mkdtempSync(join(tmpdir(), 'sf-federate-orphan-')), 'out');
        try {
          const failure = await runDiff({ cwd: repo.dir, from: `git:${OWN_FILE_GONE}`, to: `git:${CHILD_CHANGED}`, outputDir: output, copySources: true }).then(
            () => undefined,
            (error: unknown) => error as { name: string; exitCode: number; actions?: string[] }
          );
          expect(failure?.name).to.equal('ChildWithoutParentFileError');
          expect(failure?.exitCode).to.equal(2);
          expect(failure?.actions?.[0]).to.include(OWN_FILE);
          expect(existsSync(join(output, 'package.xml'))).to.equal(false);
        } finally {
          rmSync(join(output, '..'), { recursive: true, force: true });
        }
      });

      it('compares on the changed paths of two refs as on their whole trees', async () => {
        const ranges = [
          [WHOLE, OWN_FILE_GONE],
          [OWN_FILE_GONE, WHOLE],
          [WHOLE, CHILD_CHANGED],
          [OWN_FILE_GONE, CHILD_CHANGED],
          [CHILD_CHANGED, WHOLE],
          [WHOLE, FOLDER_GONE],
          [OWN_FILE_GONE, FOLDER_GONE],
          [FOLDER_GONE, OWN_FILE_GONE],
        ];
        for (const [from, to] of ranges) {
          // eslint-disable-next-line no-await-in-loop -- one range after the other
          const [fast, whole] = await Promise.all([ourDelta(repo.dir, from, to), wholeTreeChanges(repo.dir, from, to)]);
          const seen = (changeset: Changeset): unknown => ({ changes: keysOf(changeset), unclassified: changeset.unclassified, warnings: changeset.warnings });
          expect(seen(fast.changeset), `${from}..${to}`).to.deep.equal(seen(whole));
        }
      });
    });
  }

  it('leaves alone an object kept as fields only: its last field deleted is deleted alone, as the Metadata API deletes a field', async () => {
    const repo = new TestRepo();
    try {
      repo.commit({ 'sfdx-project.json': PROJECT_JSON, ...field('Thing__c', 'A__c') });
      repo.commit({ [`${D}/objects/Thing__c/fields/A__c.field-meta.xml`]: null }, 'last field deleted');
      const { changeset, manifests } = await ourDelta(repo.dir, 'HEAD~1', 'HEAD');
      expect(keysOf(changeset)).to.deep.equal(['removed CustomField:Thing__c.A__c']);
      expect(membersOf(manifests.members.destructiveChangesPost)).to.deep.equal(['CustomField:Thing__c.A__c']);
    } finally {
      repo.remove();
    }
  });

  it('reads the work tree (a folder) as it reads a ref', async () => {
    const repo = layoutRepo(LAYOUTS['both (decomposePermissionSetBeta2)']);
    try {
      const whole = repo.git('rev-parse', WHOLE).trim();
      repo.git('checkout', '-q', OWN_FILE_GONE);
      const options = { apiVersion: '62.0', projectDir: repo.dir };
      const [from, to] = await readSourcePair({ kind: 'git', value: whole, guessed: false }, { kind: 'dir', value: repo.dir, guessed: false }, options);
      const changeset = await compareSnapshots(from, to, { registry: registryFor(repo.dir) });
      expect(keysOf(changeset)).to.deep.equal([]);
      expect(changeset.unclassified).to.deep.equal([]);
      expect(changeset.warnings.join('\n')).to.include('PermissionSet Ops is not deleted');
    } finally {
      repo.remove();
    }
  });
});
