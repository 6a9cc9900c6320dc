// First: Node's compile cache, which a worker thread turns on for itself (src/compile-cache.ts).
import '../compile-cache.js';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { dirname } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { CatFileOutput } from '../metadata/git/cat-file-output.js';
import { GIT_ENV } from '../metadata/git/env.js';
import type { CopyRequest, CopyResult } from './copy-thread.js';
import { isMasterDetail } from './field-xml.js';
import { xmlFault } from './xml-check.js';

/*
 * The worker thread of copy-thread.ts. Bytes sent along are written at once. Otherwise, per repository, one
 * `git cat-file --batch` answers the blobs in the order they were asked; each is checked and written as it arrives,
 * synchronously (this thread does nothing else), so memory holds one blob at a time however many copies are queued.
 * Only light modules are loaded here: no SDR, no @salesforce/core.
 */

/** One repository's cat-file process and the copies waiting for its answers, in the order asked. */
class RepositoryReader {
  private readonly queue: CopyRequest[] = [];
  private readonly output = new CatFileOutput();
  private readonly write: (names: string) => void;
  private unsent: string[] = [];
  private stderr = '';

  public constructor(private readonly top: string, private readonly forget: () => void) {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: top, env: { ...process.env, ...GIT_ENV }, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => {
      for (const bytes of this.output.push(chunk)) reply(copy(this.queue.shift()!, bytes));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    child.on('close', () => this.fail(this.stderr.split('\n').find((line) => line.trim()) ?? 'git ended early'));
    child.on('error', (error: Error) => this.fail(error.message));
    child.stdin.on('error', () => undefined);
    this.write = (names): void => {
      child.stdin.write(names);
    };
  }

  public request(request: CopyRequest): void {
    this.queue.push(request);
    if (this.unsent.push(request.blob) === 1) {
      setImmediate(() => {
        const names = this.unsent;
        this.unsent = [];
        this.write(`${names.join('\n')}\n`);
      });
    }
  }

  private fail(message: string): void {
    this.forget();
    for (const request of this.queue.splice(0)) reply({ id: request.id, failure: { kind: 'git', message } });
  }
}

/**
 * The nice value of this thread on Linux, where each thread has its own (and the git processes it starts inherit it):
 * the copies then take the cores when the main thread, whose compare decides when the delta is done, does not need
 * them. On two cores a 12,000-file delta took about 0.12 s less (mean of 12 alternating runs). Elsewhere the call
 * would lower the whole process, so it is not made.
 */
const COPY_THREAD_NICE = 10;
if (process.platform === 'linux') {
  try {
    setPriority(COPY_THREAD_NICE);
  } catch {
    // Not permitted here: the copies run at the usual priority.
  }
}

const readers = new Map<string, RepositoryReader>();
/** Folders made so far: one mkdir each. */
const made = new Set<string>();
let replies: CopyResult[] = [];

function readerFor(top: string): RepositoryReader {
  let reader = readers.get(top);
  if (!reader) {
    reader = new RepositoryReader(top, () => readers.delete(top));
    readers.set(top, reader);
  }
  return reader;
}

/** Checks and writes one blob; what happened, for the main thread. */
function copy(request: CopyRequest, bytes: Buffer | undefined): CopyResult {
  if (!bytes) return { id: request.id, failure: { kind: 'missing' } };
  const fault = request.checkXml ? xmlFault(bytes) : undefined;
  if (fault) return { id: request.id, failure: { kind: 'malformed', ...fault } };
  try {
    const folder = dirname(request.destination);
    if (!made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    writeFileSync(request.destination, bytes);
  } catch (error) {
    return { id: request.id, failure: { kind: 'io', message: (error as Error).message } };
  }
  return { id: request.id, ...(request.masterDetail ? { masterDetail: isMasterDetail(bytes) } : {}) };
}

/** Results go back in batches, one message per turn of this thread's event loop. */
function reply(result: CopyResult): void {
  if (replies.push(result) === 1) {
    setImmediate(() => {
      const batch = replies;
      replies = [];
      parentPort!.postMessage(batch);
    });
  }
}

parentPort!.on('message', (requests: readonly CopyRequest[]) => {
  for (const request of requests) {
    if (request.bytes) reply(copy(request, Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength)));
    else readerFor(request.repo).request(request);
  }
});
