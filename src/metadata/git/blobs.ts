import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { ExitCode } from '../../exit-codes.js';
import { gitMessages as messages } from './messages.js';
import { GIT_ENV, firstLine, type GitRepo } from './repo.js';

type Pending = {
  readonly name: string;
  resolve(bytes: Buffer | undefined): void;
  reject(error: Error): void;
};

/**
 * Reads objects from a repository through one long-lived `git cat-file --batch` process: one process for a whole
 * run, however many blobs are read. Requests are answered in order; the process holds no terminal and does not keep
 * Node alive while nothing is asked of it.
 */
export class BlobReader {
  private child?: ChildProcess;
  private readonly queue: Pending[] = [];
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Size of the object being received, once its header line was read. */
  private expecting?: number;
  private failure?: Error;

  public constructor(private readonly repo: GitRepo) {}

  /** The bytes of an object (`<blob id>` or `<commit>:<path>`), undefined when the repository does not have it. */
  public read(name: string): Promise<Buffer | undefined> {
    if (name.includes('\n')) return Promise.resolve(undefined);
    const child = this.start();
    return new Promise<Buffer | undefined>((resolve, reject) => {
      if (this.failure) {
        reject(this.failure);
        return;
      }
      this.queue.push({ name, resolve, reject });
      this.setActive(true);
      child.stdin!.write(`${name}\n`);
    });
  }

  /** Synchronous read for the few places SDR's resolver reads a file synchronously; one git process per call. */
  public readSync(name: string): Buffer | undefined {
    const result = spawnSync('git', ['cat-file', 'blob', name], { cwd: this.repo.top, env: { ...process.env, ...GIT_ENV }, maxBuffer: 1024 * 1024 * 1024 });
    return result.status === 0 ? result.stdout : undefined;
  }

  /** Ends the git process. Pending reads fail. */
  public close(): void {
    this.child?.stdin?.end();
    this.child = undefined;
  }

  private start(): ChildProcess {
    if (this.child) return this.child;
    const child = spawn('git', ['cat-file', '--batch'], { cwd: this.repo.top, env: { ...process.env, ...GIT_ENV }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', () => {
      if (this.child === child) this.child = undefined;
      if (this.queue.length) {
        this.fail(messages.createError('error.GitFailed', ['cat-file --batch', this.repo.top, firstLine(stderr) || 'git ended early'], [], ExitCode.External));
      }
    });
    child.on('error', (error: Error) => this.fail(messages.createError('error.GitFailed', ['cat-file --batch', this.repo.top, error.message], [], ExitCode.External)));
    child.stdin.on('error', () => undefined);
    this.child = child;
    return child;
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const pending of this.queue.splice(0)) pending.reject(error);
    this.failure = undefined;
    this.chunks = [];
    this.buffered = 0;
    this.expecting = undefined;
  }

  /** Lets Node exit while the git process idles; holds it while reads are pending. */
  private setActive(active: boolean): void {
    const child = this.child;
    if (!child) return;
    const handles = [child, child.stdin, child.stdout, child.stderr] as unknown as Array<{ ref?: () => void; unref?: () => void } | null>;
    for (const handle of handles) (active ? handle?.ref : handle?.unref)?.call(handle);
  }

  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.expecting === undefined) {
        const data = this.take(this.buffered);
        const newline = data.indexOf(10);
        if (newline < 0) {
          this.put(data);
          return;
        }
        const header = data.subarray(0, newline).toString();
        this.put(data.subarray(newline + 1));
        if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
          this.queue.shift()?.resolve(undefined);
          if (!this.queue.length) this.setActive(false);
          continue;
        }
        this.expecting = Number(header.split(' ')[2]);
      }
      if (this.buffered < this.expecting + 1) return;
      const data = this.take(this.buffered);
      const bytes = Buffer.from(data.subarray(0, this.expecting));
      this.put(data.subarray(this.expecting + 1));
      this.expecting = undefined;
      this.queue.shift()?.resolve(bytes);
      if (!this.queue.length) this.setActive(false);
    }
  }

  private take(length: number): Buffer {
    const data = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    return length === data.length ? data : data.subarray(0, length);
  }

  private put(rest: Buffer): void {
    if (rest.length) {
      this.chunks = [rest];
      this.buffered = rest.length;
    }
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
