import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { ExitCode } from '../../exit-codes.js';
import { CatFileOutput } from './cat-file-output.js';
import { gitMessages as messages } from './messages.js';
import { GIT_ENV } from './env.js';
import { firstLine, type GitRepo } from './repo.js';

type Pending = {
  readonly name: string;
  resolve(bytes: Buffer | undefined): void;
  reject(error: Error): void;
};

/**
 * One `git cat-file --batch` process and what it owes: the requests written to it and the part of its answer received
 * so far. Kept per process because close() starts a new one while the old may still be answering or about to exit:
 * the old one's output and end must only touch the requests sent to it.
 */
class Batch {
  /** Set once git ended or could not start: the batch takes no more requests. */
  public ended = false;
  private readonly child: ChildProcess;
  private readonly queue: Pending[] = [];
  private readonly output = new CatFileOutput();
  /** Names requested but not yet written to git: sent together once this turn of the event loop is done. */
  private unsent: string[] = [];
  private stderr = '';

  public constructor(private readonly repo: GitRepo) {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: repo.top, env: { ...process.env, ...GIT_ENV }, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    child.on('close', () => this.fail(firstLine(this.stderr) || 'git ended early'));
    child.on('error', (error: Error) => this.fail(error.message));
    child.stdin.on('error', () => undefined);
    this.child = child;
  }

  public request(pending: Pending): void {
    if (!this.queue.length) this.setActive(true);
    this.queue.push(pending);
    // The names asked during one turn of the event loop (a prefetch, the reads of compare's workers as their previous
    // reads come in) reach git in one write, rather than a write and a wake-up of git each.
    if (this.unsent.push(pending.name) === 1) setImmediate(() => this.send());
  }

  /** Ends git's input: it answers what it was sent, then exits. */
  public close(): void {
    this.send();
    this.child.stdin?.end();
  }

  private send(): void {
    if (!this.unsent.length) return;
    const names = this.unsent;
    this.unsent = [];
    if (!this.ended) this.child.stdin!.write(`${names.join('\n')}\n`);
  }

  private fail(reason: string): void {
    this.ended = true;
    if (!this.queue.length) return;
    const error = messages.createError('error.GitFailed', ['cat-file --batch', this.repo.top, reason], [], ExitCode.External);
    for (const pending of this.queue.splice(0)) pending.reject(error);
    this.output.reset();
    this.setActive(false);
  }

  /** Lets Node exit while the git process idles; holds it while reads are pending. */
  private setActive(active: boolean): void {
    const child = this.child;
    const handles = [child, child.stdin, child.stdout, child.stderr] as unknown as Array<{ ref?: () => void; unref?: () => void } | null>;
    for (const handle of handles) (active ? handle?.ref : handle?.unref)?.call(handle);
  }

  private receive(chunk: Buffer): void {
    for (const bytes of this.output.push(chunk)) this.answer(bytes);
  }

  private answer(bytes: Buffer | undefined): void {
    this.queue.shift()?.resolve(bytes);
    if (!this.queue.length) this.setActive(false);
  }
}

/**
 * Reads objects from a repository through one long-lived `git cat-file --batch` process: one process for a whole
 * run, however many blobs are read. Requests are answered in order; the process holds no terminal and does not keep
 * Node alive while nothing is asked of it.
 */
export class BlobReader {
  private batch?: Batch;

  public constructor(private readonly repo: GitRepo) {}

  /** The bytes of an object (`<blob id>` or `<commit>:<path>`), undefined when the repository does not have it. */
  public read(name: string): Promise<Buffer | undefined> {
    if (name.includes('\n')) return Promise.resolve(undefined);
    // A process that ended on its own (or never started) takes no more requests: the next read starts another.
    if (!this.batch || this.batch.ended) this.batch = new Batch(this.repo);
    const batch = this.batch;
    return new Promise<Buffer | undefined>((resolve, reject) => batch.request({ name, resolve, reject }));
  }

  /** Synchronous read for the few places SDR's resolver reads a file synchronously; one git process per call. */
  public readSync(name: string): Buffer | undefined {
    const result = spawnSync('git', ['cat-file', 'blob', name], { cwd: this.repo.top, env: { ...process.env, ...GIT_ENV }, maxBuffer: 1024 * 1024 * 1024 });
    return result.status === 0 ? result.stdout : undefined;
  }

  /**
   * Ends the git process; a later read starts another. Reads already sent are still answered, and fail only if git
   * ends before answering them.
   */
  public close(): void {
    this.batch?.close();
    this.batch = undefined;
  }
}

const readers = new Map<string, BlobReader>();

/** One reader per repository for the whole run. */
export function blobReader(repo: GitRepo): BlobReader {
  let reader = readers.get(repo.gitDir);
  if (!reader) {
    reader = new BlobReader(repo);
    readers.set(repo.gitDir, reader);
  }
  return reader;
}
