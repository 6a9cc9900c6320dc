import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { CopyThread } from '../../src/compare/copy-thread.js';
import { TempDirs, TestRepo } from '../git/repo-helper.js';

describe('CopyThread (git blobs copied by a worker thread)', () => {
  let repo: TestRepo;
  const temps = new TempDirs();
  const thread = new CopyThread();
  const blob = (path: string): string => repo.git('rev-parse', `HEAD:${path}`).trim();
  const FIELD = 'fields/Parent__c.field-meta.xml';
  const files: Record<string, string> = {
    'classes/A.cls': 'public class A {}\n',
    [FIELD]: '<?xml version="1.0" encoding="UTF-8"?>\n<CustomField><fullName>Parent__c</fullName><type>MasterDetail</type></CustomField>\n',
    'fields/Text__c.field-meta.xml': '<CustomField><fullName>Text__c</fullName><type>Text</type></CustomField>\n',
    'broken.xml': '<CustomField>\n  <label>oops</lab>\n</CustomField>\n',
    'données é/nested deep/x.txt': 'ü\n',
  };

  before(() => {
    repo = new TestRepo('sf-federate-copy-thread-');
    temps.keep(repo.dir);
    repo.commit(files);
  });
  after(async () => {
    await thread.close();
    temps.removeAll();
  });

  it('copies blobs to their destinations, making the folders, byte for byte', async () => {
    const out = temps.make('sf-federate-copy-out-');
    const results = await Promise.all(
      Object.keys(files)
        .filter((path) => path !== 'broken.xml')
        .map((path) => thread.copy({ repo: repo.dir, blob: blob(path), destination: join(out, path), checkXml: path.endsWith('.xml'), masterDetail: false }))
    );
    expect(results.map((result) => result.failure)).to.deep.equal([undefined, undefined, undefined, undefined]);
    for (const path of Object.keys(files).filter((each) => each !== 'broken.xml')) expect(readFileSync(join(out, path), 'utf8'), path).to.equal(files[path]);
  });

  it('runs its copies (and the git it starts) at a lower priority on Linux, where the main thread compares', async function () {
    // A thread's own nice value exists on Linux only; elsewhere the worker leaves the priority alone.
    if (process.platform !== 'linux') this.skip();
    const out = temps.make('sf-federate-copy-out-');
    const result = await thread.copy({ repo: repo.dir, blob: blob('classes/A.cls'), destination: join(out, 'A.cls'), checkXml: false, masterDetail: false });
    expect(result.failure).to.equal(undefined);
    // The worker's `git cat-file --batch` stays up for the next copies: a child of this process, niced as its thread.
    const niceOfGitChildren = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          // After the name: state, ppid… nice is the 19th field of the line, the 17th after the name.
          return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ppid: Number(fields[1]), nice: Number(fields[16]) };
        } catch {
          return undefined;
        }
      })
      .filter((proc) => proc?.ppid === process.pid && proc.name === 'git')
      .map((proc) => proc!.nice);
    expect(niceOfGitChildren).to.include(10);
    expect(os.getPriority()).to.equal(0); // this thread, the main one, keeps its priority
  });

  it('says whether a field is master-detail, when asked', async () => {
    const out = temps.make('sf-federate-copy-out-');
    const [parent, text] = await Promise.all(
      [FIELD, 'fields/Text__c.field-meta.xml'].map((path) => thread.copy({ repo: repo.dir, blob: blob(path), destination: join(out, path), checkXml: true, masterDetail: true }))
    );
    expect(parent.masterDetail).to.equal(true);
    expect(text.masterDetail).to.equal(false);
  });

  it('writes bytes it is given as they are, without asking git, and leaves the caller its buffer', async () => {
    const out = temps.make('sf-federate-copy-out-');
    // A view into a larger buffer, as cat-file hands out: only the view is written.
    const whole = Buffer.from(`padding|${files[FIELD]}|padding`);
    const bytes = whole.subarray('padding|'.length, 'padding|'.length + Buffer.byteLength(files[FIELD]));
    const result = await thread.copy({ repo: join(out, 'no repository here'), blob: '0'.repeat(40), destination: join(out, 'given', FIELD), checkXml: false, masterDetail: true, bytes });
    expect(result.failure).to.equal(undefined);
    expect(result.masterDetail).to.equal(true);
    expect(readFileSync(join(out, 'given', FIELD), 'utf8')).to.equal(files[FIELD]);
    expect(bytes.toString('utf8')).to.equal(files[FIELD]);
  });

  it('refuses XML that is not well-formed, with its place, and writes nothing', async () => {
    const out = temps.make('sf-federate-copy-out-');
    const result = await thread.copy({ repo: repo.dir, blob: blob('broken.xml'), destination: join(out, 'broken.xml'), checkXml: true, masterDetail: false });
    expect(result.failure).to.deep.include({ kind: 'malformed', line: 2 });
    expect(existsSync(join(out, 'broken.xml'))).to.equal(false);
    // Not asked to check: copied as it is.
    const unchecked = await thread.copy({ repo: repo.dir, blob: blob('broken.xml'), destination: join(out, 'broken.xml'), checkXml: false, masterDetail: false });
    expect(unchecked.failure).to.equal(undefined);
    expect(readFileSync(join(out, 'broken.xml'), 'utf8')).to.equal(files['broken.xml']);
  });

  it('reports a blob git does not have, a folder it cannot write to, and a repository that is not there', async () => {
    const out = temps.make('sf-federate-copy-out-');
    const [missing, unwritable, noRepo] = await Promise.all([
      thread.copy({ repo: repo.dir, blob: '0'.repeat(40), destination: join(out, 'missing.txt'), checkXml: false, masterDetail: false }),
      // A file where a folder should be.
      thread.copy({ repo: repo.dir, blob: blob('classes/A.cls'), destination: join(repo.dir, 'classes/A.cls', 'below.cls'), checkXml: false, masterDetail: false }),
      thread.copy({ repo: join(out, 'no-such-repository'), blob: blob('classes/A.cls'), destination: join(out, 'x.cls'), checkXml: false, masterDetail: false }),
    ]);
    expect(missing.failure).to.deep.equal({ kind: 'missing' });
    expect(unwritable.failure?.kind).to.equal('io');
    expect(noRepo.failure?.kind).to.equal('git');
    expect(existsSync(join(out, 'missing.txt'))).to.equal(false);
    // The thread still copies after those.
    const again = await thread.copy({ repo: repo.dir, blob: blob('classes/A.cls'), destination: join(out, 'again.cls'), checkXml: false, masterDetail: false });
    expect(again.failure).to.equal(undefined);
  });

  // Worker threads refuse process-wide options such as --max-old-space-size when given them explicitly; a user who
  // runs `node --max-old-space-size=8192 sf ...` must still get the copies.
  it('starts under Node options a worker refuses when given explicitly', () => {
    const module = fileURLToPath(new URL('../../src/compare/copy-thread.ts', import.meta.url));
    const out = temps.make('sf-federate-copy-options-');
    const script = [
      `const { CopyThread } = await import(${JSON.stringify(module)});`,
      'const thread = new CopyThread();',
      `const result = await thread.copy(${JSON.stringify({ repo: repo.dir, blob: blob('classes/A.cls'), destination: join(out, 'A.cls'), checkXml: false, masterDetail: false })});`,
      "console.log('copied', JSON.stringify(result.failure ?? null));",
      'await thread.close();',
    ].join('\n');
    const main = join(out, 'main.mts');
    writeFileSync(main, script);
    const result = spawnSync(process.execPath, ['--max-old-space-size=512', '--stack-size=2000', '--import', 'tsx', main], { cwd: process.cwd(), encoding: 'utf8', timeout: 30_000 });
    expect(result.stderr).to.equal('');
    expect(result.stdout).to.equal('copied null\n');
    expect(readFileSync(join(out, 'A.cls'), 'utf8')).to.equal(files['classes/A.cls']);
  });

  // Node must wait for a pending copy, and must not wait for the idle thread (or its git) once nothing is pending.
  it('keeps Node alive while a copy is pending, not while the thread idles', () => {
    const module = fileURLToPath(new URL('../../src/compare/copy-thread.ts', import.meta.url));
    const out = temps.make('sf-federate-copy-exit-');
    const script = [
      `const { CopyThread } = await import(${JSON.stringify(module)});`,
      'const thread = new CopyThread();',
      `thread.copy(${JSON.stringify({ repo: repo.dir, blob: blob('classes/A.cls'), destination: join(out, 'A.cls'), checkXml: false, masterDetail: false })}).then((result) => console.log('copied', JSON.stringify(result.failure ?? null)));`,
    ].join('\n');
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), encoding: 'utf8', timeout: 30_000 });
    expect(result.error, 'node did not exit').to.equal(undefined);
    expect(result.stderr).to.equal('');
    expect(result.stdout).to.equal('copied null\n');
    expect(readFileSync(join(out, 'A.cls'), 'utf8')).to.equal(files['classes/A.cls']);
  });
});
