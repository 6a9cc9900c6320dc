import { closeSync, fstatSync, openSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../worker-thread.js';
import { readSpooledBlob, type SpooledBlob, type SpoolJob, type SpoolMessage } from './spool-file.js';

/*
 * The blobs two commits differ by, written ahead by git into one temporary file while the main thread still loads
 * modules and resolves components. Compare and --copy-sources then read each blob there by offset (one read: no
 * process to wait for, no pipe to parse) instead of asking `git cat-file` one blob at a time. A blob id is the hash of
 * its bytes, so a spooled blob is right for any reader; a blob not spooled, or not written yet, is read from git as
 * before. The spool only ever makes reads faster: when git cannot plan or write it, it is skipped. Its file is removed
 * as soon as it is open (where a file cannot be removed while open, at close or when Node exits).
 *
 * Only node: modules are loaded here (no SDR, no @salesforce/core), so the spool can start before they are.
 */

/** Bytes of blobs at most spooled per run: beyond, blobs are read from git. On disk (the temporary folder), not memory. */
const SPOOL_BUDGET = 256 * 1024 * 1024;

/** Where a spool holds a blob, for a thread of this process to read it (`readSpooledBlob`). */
export type SpooledAt = { readonly fd: number; readonly blob: SpooledBlob };

class BlobSpool {
  /** Whether git wrote the whole spool (false: skipped, failed, or closed before). */
  public readonly written: Promise<boolean>;
  private settle!: (complete: boolean) => void;
  private readonly worker: Worker;
  private fd?: number;
  private index = new Map<string, SpooledBlob>();
  private removed = false;

  public constructor(job: Omit<SpoolJob, 'path' | 'budget'>, private readonly path: string) {
    this.written = new Promise((settle) => (this.settle = settle));
    this.worker = startWorker(import.meta.url, 'spool-worker', { workerData: { ...job, path, budget: SPOOL_BUDGET } satisfies SpoolJob });
    this.worker.unref();
    this.worker.on('message', (message: SpoolMessage) => this.receive(message));
    // A worker that failed to start or died: reads go to git, as for a blob not spooled.
    this.worker.on('error', () => this.settle(false));
    this.worker.on('exit', () => this.settle(false));
  }

  /** Where the blob is, when git has written it whole; undefined otherwise. */
  public at(blob: string): SpooledAt | undefined {
    const spooled = this.index.get(blob);
    // Git writes the file in order: its length tells whether the blob is all there.
    if (!spooled || this.fd === undefined || fstatSync(this.fd).size < spooled[1] + spooled[2]) return undefined;
    return { fd: this.fd, blob: spooled };
  }

  /** Stops git if it is still writing, and removes the file. */
  public close(): void {
    this.index = new Map();
    this.settle(false);
    this.worker.postMessage('stop');
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.remove();
  }

  private receive(message: SpoolMessage): void {
    if (message.kind !== 'writing') return this.settle(message.kind === 'written' && message.complete && this.fd !== undefined);
    if (this.fd !== undefined) return;
    try {
      this.fd = openSync(this.path, 'r');
    } catch {
      return;
    }
    // Removed while open, where the system allows it (not Windows): nothing is left behind, however the run ends.
    this.remove();
    this.index = new Map(message.blobs.map((spooled) => [spooled[0], spooled]));
  }

  private remove(): void {
    if (this.removed) return;
    try {
      unlinkSync(this.path);
      this.removed = true;
      leftovers.delete(this.path);
    } catch (error) {
      // Not made (git never started), or open (Windows): tried again at close, or when Node exits.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') leftovers.add(this.path);
    }
  }
}

const spools = new Map<string, BlobSpool>();
let made = 0;

/** Spool files that could not be removed while open (Windows), nor at close: tried again when Node exits. */
const leftovers = new Set<string>();

function removeLeftovers(): void {
  for (const path of leftovers) {
    try {
      unlinkSync(path);
    } catch {
      // in use by a git still writing, or gone
    }
  }
}

/**
 * What a spool is asked for: two refs (`REF` of `git:REF[:PATH]`) of the repository holding `cwd`; with `mergeBase`,
 * `from` is replaced by the merge base of the two, as `--merge-base` does.
 */
export type SpoolRequest = { readonly cwd: string; readonly from: string; readonly to: string; readonly mergeBase?: boolean };

/** A spool as its starter holds it: closed once the run that started it is over. */
export type SpoolHandle = {
  /** Whether git wrote the whole spool: false when it was skipped, failed or closed first. */
  readonly written: Promise<boolean>;
  close(): void;
};

/**
 * Starts spooling the blobs `from`..`to` differ by, in a worker thread, and returns at once; asking again for the same
 * refs gives the same spool. Best effort: an unknown ref, a folder outside any repository, a failed git leave reads
 * as they were (and are reported by whoever reads the refs).
 */
export function spoolChangedBlobs(request: SpoolRequest): SpoolHandle {
  const cwd = resolve(request.cwd);
  const key = [cwd, request.from, request.to, request.mergeBase === true].join('\0');
  let spool = spools.get(key);
  if (!spool) {
    const path = join(tmpdir(), `sf-federate-spool-${process.pid}-${++made}`);
    if (made === 1) process.once('exit', removeLeftovers);
    spool = new BlobSpool({ cwd, from: request.from, to: request.to, mergeBase: request.mergeBase === true }, path);
    spools.set(key, spool);
  }
  const started = spool;
  return {
    written: started.written,
    close: (): void => {
      started.close();
      if (spools.get(key) === started) spools.delete(key);
    },
  };
}

/**
 * The spool of a diff between two `git:` sources (`sf federate diff --from git:A --to git:B`), started now; undefined
 * for any other pair. The command starts it before loading SDR; runDiff, for library callers, when called.
 */
export function spoolFor(request: {
  readonly from: string;
  readonly to: string;
  readonly cwd: string;
  readonly repoDir?: string;
  readonly mergeBase?: boolean;
}): SpoolHandle | undefined {
  const from = refOf(request.from);
  const to = refOf(request.to);
  if (!from || !to) return undefined;
  return spoolChangedBlobs({ cwd: request.repoDir ? resolve(request.cwd, request.repoDir) : request.cwd, from, to, mergeBase: request.mergeBase });
}

/**
 * Where a spool holds a blob written whole; undefined when none does. The descriptor stays open until the spool is
 * closed, which its owner does once the reads it started are over; `readSpooledBlob` checks what it reads all the same.
 */
export function spooledAt(blob: string): SpooledAt | undefined {
  for (const spool of spools.values()) {
    const at = spool.at(blob);
    if (at) return at;
  }
  return undefined;
}

/** A blob's bytes from a spool; undefined when no spool holds it whole: read it from git then. */
export function readSpooled(blob: string): Buffer | undefined {
  const at = spooledAt(blob);
  return at ? readSpooledBlob(at.fd, at.blob) : undefined;
}

/** `REF` of a `git:REF[:PATH]` source, undefined for any other source (a ref name cannot hold a colon). */
function refOf(source: string): string | undefined {
  if (!source.startsWith('git:')) return undefined;
  const ref = source.slice(4).split(':')[0];
  return ref || undefined;
}
