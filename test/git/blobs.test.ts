import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { BlobReader, blobReader } from '../../src/metadata/git/blobs.js';
import type { GitRepo } from '../../src/metadata/git/repo.js';
import { TestRepo } from './repo-helper.js';

type Blob = { readonly name: string; readonly bytes: Buffer };

/** Every byte value, newlines included, and sizes from empty to several pipe buffers. */
function contents(): Record<string, Buffer> {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const files: Record<string, Buffer> = {
    'empty.txt': Buffer.alloc(0),
    'newline.txt': Buffer.from('\n'),
    'no-final-newline.txt': Buffer.from('a\nb\nc'),
    'bytes.bin': all,
    'large.bin': Buffer.concat(Array.from({ length: 1500 }, () => all)),
  };
  for (let i = 0; i < 20; i++) files[`small/${i}.txt`] = Buffer.from(`file ${i}\n${'x'.repeat(i * 37)}\n`);
  return files;
}

describe('git BlobReader', () => {
  let repo: TestRepo;
  let gitRepo: GitRepo;
  let commit: string;
  let blobs: Blob[];
  const readers: BlobReader[] = [];

  const newReader = (): BlobReader => {
    const reader = new BlobReader(gitRepo);
    readers.push(reader);
    return reader;
  };
  /** Reads `count` blobs at once, cycling through both ways of naming them, and checks every answer. */
  const readMany = async (reader: BlobReader, count: number): Promise<void> => {
    const names = Array.from({ length: count }, (_, i) => blobs[i % blobs.length]);
    const answers = await Promise.all(names.map((blob) => reader.read(blob.name)));
    answers.forEach((bytes, i) => expect(bytes?.equals(names[i].bytes), names[i].name).to.equal(true));
  };

  before(() => {
    repo = new TestRepo('sf-federate-blobs-');
    gitRepo = { top: repo.dir, gitDir: join(repo.dir, '.git') };
    const files = contents();
    repo.write({ 'small/.keep': '' });
    for (const [path, bytes] of Object.entries(files)) writeFileSync(join(repo.dir, path), bytes);
    commit = repo.commit({});
    blobs = Object.entries(files).flatMap(([path, bytes]) => [
      { name: `${commit}:${path}`, bytes },
      { name: repo.git('rev-parse', `${commit}:${path}`).trim(), bytes },
    ]);
  });

  after(() => {
    for (const reader of readers) reader.close();
    repo?.remove();
  });

  it('reads blobs by id and by <commit>:<path>', async () => {
    await readMany(newReader(), blobs.length);
  });

  it('resolves undefined for objects the repository does not have, and stays in step for the reads around them', async () => {
    const reader = newReader();
    const [before, missingId, missingPath, notABlob, withNewline, after] = await Promise.all([
      reader.read(blobs[0].name),
      reader.read('0123456789abcdef0123456789abcdef01234567'),
      reader.read(`${commit}:no/such/file`),
      reader.read('no-such-ref:empty.txt'),
      reader.read(`${commit}:empty.txt\n${commit}:bytes.bin`),
      reader.read(blobs[1].name),
    ]);
    expect(before?.equals(blobs[0].bytes)).to.equal(true);
    expect(missingId).to.equal(undefined);
    expect(missingPath).to.equal(undefined);
    expect(notABlob).to.equal(undefined);
    expect(withNewline).to.equal(undefined);
    expect(after?.equals(blobs[1].bytes)).to.equal(true);
  });

  // close() hands the next read() a new git process; the one it ended exits a moment later. Its end must not fail
  // the reads sent to the new one. Reads are kept pending from close() on for a while, so that the old process's end
  // lands while some are, each round.
  it('answers reads sent right after close() from the next process, however the old one ends', async () => {
    const reader = newReader();
    for (let round = 0; round < 8; round++) {
      // eslint-disable-next-line no-await-in-loop
      await readMany(reader, 20);
      reader.close();
      const until = Date.now() + 100;
      const chain = async (offset: number): Promise<void> => {
        for (let i = offset; Date.now() < until; i++) {
          const blob = blobs[i % blobs.length];
          // eslint-disable-next-line no-await-in-loop
          const bytes = await reader.read(blob.name);
          expect(bytes?.equals(blob.bytes), blob.name).to.equal(true);
        }
      };
      // eslint-disable-next-line no-await-in-loop
      await Promise.all([readMany(reader, 200), ...[0, 1, 2, 3].map((offset) => chain(offset * 7))]);
    }
  });

  it('still answers the reads sent to a process before close() ended it', async () => {
    const reader = newReader();
    await readMany(reader, 5);
    for (let round = 0; round < 5; round++) {
      const sentBefore = readMany(reader, 100);
      reader.close();
      const sentAfter = readMany(reader, 100);
      // eslint-disable-next-line no-await-in-loop
      await Promise.all([sentBefore, sentAfter]);
    }
  });

  it('fails the reads pending on a git that ends on its own, and starts another git for later reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-federate-blobs-'));
    try {
      // Not a repository yet: git cat-file exits at once, with the reads unanswered.
      const reader = new BlobReader({ top: dir, gitDir: join(dir, '.git') });
      const outcomes = await Promise.allSettled(blobs.slice(0, 10).map((blob) => reader.read(blob.name)));
      for (const outcome of outcomes) {
        expect(outcome.status).to.equal('rejected');
        const error = (outcome as PromiseRejectedResult).reason as Error;
        expect(error.name).to.equal('GitFailedError');
        expect(error.message).to.match(/not a git repository/);
      }
      execFileSync('git', ['init', '-q'], { cwd: dir });
      writeFileSync(join(dir, 'a.txt'), 'a\n');
      execFileSync('git', ['add', 'a.txt'], { cwd: dir });
      const id = execFileSync('git', ['rev-parse', ':a.txt'], { cwd: dir, encoding: 'utf8' }).trim();
      expect((await reader.read(id))?.toString()).to.equal('a\n');
      reader.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('close() on a reader that never read, or twice, is harmless', async () => {
    const reader = newReader();
    reader.close();
    reader.close();
    await readMany(reader, 3);
    reader.close();
    reader.close();
  });

  it('readSync reads one blob, undefined when missing', () => {
    const reader = newReader();
    const large = blobs.find((blob) => blob.name.endsWith(':large.bin'))!;
    expect(reader.readSync(large.name)?.equals(large.bytes)).to.equal(true);
    expect(reader.readSync(`${commit}:no/such/file`)).to.equal(undefined);
  });

  it('blobReader(repo) is one reader per repository', () => {
    expect(blobReader(gitRepo)).to.equal(blobReader({ ...gitRepo }));
  });

  // Node must wait for an answer that is pending, and must not wait for git while nothing is asked of it.
  it('keeps Node alive while a read is pending, not while git idles', () => {
    const module = fileURLToPath(new URL('../../src/metadata/git/blobs.ts', import.meta.url));
    const script = [
      `const { BlobReader } = await import(${JSON.stringify(module)});`,
      `const reader = new BlobReader(${JSON.stringify(gitRepo)});`,
      `reader.read(${JSON.stringify(`${commit}:large.bin`)}).then((bytes) => console.log('read', bytes.length));`,
    ].join('\n');
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      // tsx resolves from here.
      cwd: process.cwd(),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.error, 'node did not exit').to.equal(undefined);
    expect(result.stderr).to.equal('');
    expect(result.stdout).to.equal(`read ${256 * 1500}\n`);
    expect(result.status).to.equal(0);
  });
});
