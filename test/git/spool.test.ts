import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { CopyThread } from '../../src/compare/copy-thread.js';
import { changedBlobs, planSpool, readSpooledBlob } from '../../src/metadata/git/spool-file.js';
import { readSpooled, spooledAt, spoolChangedBlobs, spoolFor, type SpoolHandle } from '../../src/metadata/git/spool.js';
import { TestRepo } from './repo-helper.js';

/** The spool files this process has in the temporary folder. */
const spoolFiles = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith(`sf-federate-spool-${process.pid}-`));

describe('git spool (blobs two refs differ by, written ahead by git)', () => {
  let repo: TestRepo;
  let base: string;
  let head: string;
  const handles: SpoolHandle[] = [];
  const blobAt = (commit: string, path: string): string => repo.git('rev-parse', `${commit}:${path}`).trim();
  const spool = (from: string, to: string, mergeBase = false): SpoolHandle => {
    const handle = spoolChangedBlobs({ cwd: repo.dir, from, to, mergeBase });
    handles.push(handle);
    return handle;
  };

  before(() => {
    repo = new TestRepo('sf-federate-spool-test-');
    base = repo.commit({
      'force-app/classes/Kept.cls': 'public class Kept {}\n',
      'force-app/classes/Changed.cls': 'public class Changed { Integer a; }\n',
      'force-app/classes/Gone.cls': 'public class Gone {}\n',
      'force-app/labels/CustomLabels.labels-meta.xml': '<?xml version="1.0"?>\n<CustomLabels/>\n',
    });
    repo.git('checkout', '-q', '-b', 'feature');
    head = repo.commit({
      'force-app/classes/Changed.cls': 'public class Changed { Integer b; }\n',
      'force-app/classes/Gone.cls': null,
      'force-app/classes/New Class.cls': 'public class NewClass {}\n',
      'force-app/labels/CustomLabels.labels-meta.xml': `<?xml version="1.0"?>\n<CustomLabels>${'<labels/>'.repeat(5000)}</CustomLabels>\n`,
    });
    repo.git('checkout', '-q', 'main');
    repo.commit({ 'force-app/classes/Kept.cls': 'public class Kept { /* on main after the branch */ }\n' });
    repo.git('checkout', '-q', 'feature');
  });

  afterEach(() => {
    for (const handle of handles.splice(0)) handle.close();
  });

  after(() => repo?.remove());

  it('spools the new and old blobs of modified files and the blobs of added ones, byte for byte', async () => {
    const handle = spool(base, head);
    expect(await handle.written).to.equal(true);
    for (const [commit, path] of [
      [head, 'force-app/classes/Changed.cls'],
      [base, 'force-app/classes/Changed.cls'],
      [head, 'force-app/classes/New Class.cls'],
      [head, 'force-app/labels/CustomLabels.labels-meta.xml'],
      [base, 'force-app/labels/CustomLabels.labels-meta.xml'],
    ]) {
      const expected = execFileSync('git', ['cat-file', 'blob', `${commit}:${path}`], { cwd: repo.dir });
      expect(readSpooled(blobAt(commit, path))?.equals(expected), `${commit.slice(0, 7)}:${path}`).to.equal(true);
    }
    // Unchanged, and deleted: read from git, never spooled.
    expect(readSpooled(blobAt(head, 'force-app/classes/Kept.cls'))).to.equal(undefined);
    expect(readSpooled(blobAt(base, 'force-app/classes/Gone.cls'))).to.equal(undefined);
  });

  it('leaves no file behind, and reads nothing once closed', async () => {
    const handle = spool(base, head);
    expect(await handle.written).to.equal(true);
    const changed = blobAt(head, 'force-app/classes/Changed.cls');
    expect(spooledAt(changed)).to.not.equal(undefined);
    handle.close();
    expect(spooledAt(changed)).to.equal(undefined);
    expect(readSpooled(changed)).to.equal(undefined);
    expect(spoolFiles()).to.deep.equal([]);
  });

  it('with mergeBase, spools what the branch changed since the merge base, not what main did since', async () => {
    const handle = spool('main', 'feature', true);
    expect(await handle.written).to.equal(true);
    expect(readSpooled(blobAt('feature', 'force-app/classes/Changed.cls'))).to.not.equal(undefined);
    expect(readSpooled(blobAt('main', 'force-app/classes/Kept.cls'))).to.equal(undefined);
    expect(readSpooled(blobAt('feature', 'force-app/classes/Kept.cls'))).to.equal(undefined);
  });

  it('is skipped, and reads go to git, for an unknown ref or a folder outside any repository', async () => {
    expect(await spool('no-such-ref', head).written).to.equal(false);
    expect(readSpooled(blobAt(head, 'force-app/classes/Changed.cls'))).to.equal(undefined);
    const outside = mkdtempSync(join(tmpdir(), 'sf-federate-spool-outside-'));
    try {
      const handle = spoolChangedBlobs({ cwd: outside, from: 'HEAD~1', to: 'HEAD' });
      handles.push(handle);
      expect(await handle.written).to.equal(false);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
    expect(spoolFiles()).to.deep.equal([]);
  });

  it('is started for two git: sources only, from the REF of git:REF[:PATH]', async () => {
    expect(spoolFor({ from: `git:${base}`, to: 'dir:force-app', cwd: repo.dir })).to.equal(undefined);
    expect(spoolFor({ from: 'force-app', to: `git:${head}`, cwd: repo.dir })).to.equal(undefined);
    const handle = spoolFor({ from: `git:${base}:force-app`, to: `git:${head}:force-app`, cwd: repo.dir });
    expect(handle).to.not.equal(undefined);
    handles.push(handle!);
    expect(await handle!.written).to.equal(true);
    expect(readSpooled(blobAt(head, 'force-app/classes/Changed.cls'))).to.not.equal(undefined);
  });

  describe('changedBlobs', () => {
    it('takes new blobs of added and modified files, old blobs of modified ones; no links, submodules or deletions', () => {
      const a = 'a'.repeat(40);
      const b = 'b'.repeat(40);
      const c = 'c'.repeat(40);
      const d = 'd'.repeat(40);
      const e = 'e'.repeat(40);
      const f = 'f'.repeat(40);
      const zero = '0'.repeat(40);
      const raw = [
        `:100644 100644 ${a} ${b} M`,
        'force-app/x.cls',
        `:000000 100755 ${zero} ${c} A`,
        'force-app/run.sh',
        `:100644 000000 ${d} ${zero} D`,
        'force-app/gone.cls',
        `:000000 120000 ${zero} ${e} A`,
        'force-app/link',
        `:000000 160000 ${zero} ${f} A`,
        'vendor/submodule',
        `:100644 100644 ${a} ${f} R087`,
        'old name.cls',
        'new name.cls',
        '',
      ].join('\0');
      expect(changedBlobs(raw)).to.deep.equal([b, a, c, f]);
    });
  });

  describe('planSpool and readSpooledBlob', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'sf-federate-spool-file-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    /** What `git cat-file --batch` writes for these blobs, in a file; the plan for them. */
    const spoolOf = (blobs: string[], budget: number): { path: string; plan: ReturnType<typeof planSpool> } => {
      const check = execFileSync('git', ['cat-file', '--batch-check'], { cwd: repo.dir, input: `${blobs.join('\n')}\n`, encoding: 'latin1' });
      const plan = planSpool(check, budget);
      const path = join(dir, `spool-${budget}`);
      writeFileSync(path, execFileSync('git', ['cat-file', '--batch'], { cwd: repo.dir, input: `${plan.map(([blob]) => blob).join('\n')}\n` }));
      return { path, plan };
    };

    it('knows where git writes each blob, and keeps within the budget', () => {
      const small = blobAt(head, 'force-app/classes/Changed.cls');
      const large = blobAt(head, 'force-app/labels/CustomLabels.labels-meta.xml');
      const other = blobAt(head, 'force-app/classes/New Class.cls');
      const largeSize = readFileSync(join(repo.dir, 'force-app/labels/CustomLabels.labels-meta.xml')).length;
      const { path, plan } = spoolOf([small, large, other, 'f'.repeat(40)], largeSize - 1);
      expect(plan.map(([blob]) => blob)).to.deep.equal([small, other]);
      const fd = openSync(path, 'r');
      try {
        for (const spooled of plan) {
          const expected = execFileSync('git', ['cat-file', 'blob', spooled[0]], { cwd: repo.dir });
          expect(readSpooledBlob(fd, spooled)?.equals(expected)).to.equal(true);
        }
        // Anywhere else than where git wrote the blob, or past the end: nothing, rather than wrong bytes.
        const [blob, start, size] = plan[1];
        expect(readSpooledBlob(fd, [blob, start + 1, size])).to.equal(undefined);
        expect(readSpooledBlob(fd, [plan[0][0], start, size])).to.equal(undefined);
        expect(readSpooledBlob(fd, [blob, start, size + 10])).to.equal(undefined);
      } finally {
        closeSync(fd);
      }
      expect(readSpooledBlob(fd, plan[0])).to.equal(undefined);
    });
  });

  describe('copy thread', () => {
    let dir: string;
    let thread: CopyThread;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'sf-federate-spool-copy-'));
      thread = new CopyThread();
    });
    after(async () => {
      await thread.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('copies a spooled blob from the spool, and from git when the spool does not hold what it says', async () => {
      const handle = spool(base, head);
      expect(await handle.written).to.equal(true);
      const blob = blobAt(head, 'force-app/classes/Changed.cls');
      const expected = execFileSync('git', ['cat-file', 'blob', blob], { cwd: repo.dir });
      const spooled = spooledAt(blob)!;
      const request = { blob, checkXml: false, masterDetail: false };

      // No repository to fall back on: what is written came from the spool.
      const fromSpool = join(dir, 'from-spool.cls');
      expect(await thread.copy({ ...request, repo: dir, destination: fromSpool, spooled })).to.not.have.property('failure');
      expect(readFileSync(fromSpool).equals(expected)).to.equal(true);

      // A location that does not hold the blob: git's bytes, not the spool's.
      const misplaced = { ...spooled, blob: [blob, spooled.blob[1] + 3, spooled.blob[2]] as const };
      const fromGit = join(dir, 'from-git.cls');
      expect(await thread.copy({ ...request, repo: repo.dir, destination: fromGit, spooled: misplaced })).to.not.have.property('failure');
      expect(readFileSync(fromGit).equals(expected)).to.equal(true);
      const nowhere = join(dir, 'nowhere.cls');
      const failed = await thread.copy({ ...request, repo: dir, destination: nowhere, spooled: misplaced });
      expect(failed.failure?.kind).to.equal('git');
      expect(existsSync(nowhere)).to.equal(false);
    });
  });
});
