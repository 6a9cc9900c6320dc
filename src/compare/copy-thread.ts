import { Worker } from 'node:worker_threads';

/*
 * The files of a delta source tree that are copied whole from git, copied by a worker thread (copy-worker.ts) that
 * reads their blobs from its own `git cat-file --batch` and writes them: the thousands of files of a large delta then
 * cost the main thread, which compares meanwhile, one message each instead of a blob read, an XML check, a folder and
 * three file-system calls. Bytes the main thread has read already (compare's) are sent instead of a blob id.
 */

/** One file to copy: blob `blob` of the repository at `repo`, to `destination` (absolute). */
export type CopyRequest = {
  readonly id: number;
  readonly repo: string;
  readonly blob: string;
  readonly destination: string;
  /** Refuse bytes that are not well-formed XML (nothing is written then). */
  readonly checkXml: boolean;
  /** Also say whether the bytes are a master-detail field's XML. */
  readonly masterDetail: boolean;
  /** The blob's bytes, when this thread has them already (compare read them): written as they are, git not asked. */
  readonly bytes?: Uint8Array;
};

/** Why a copy failed, for the main thread to turn into its usual error. */
export type CopyFailure =
  | { readonly kind: 'missing' }
  | { readonly kind: 'malformed'; readonly line: number; readonly col: number; readonly msg: string }
  | { readonly kind: 'io' | 'git'; readonly message: string };

export type CopyResult = { readonly id: number; readonly failure?: CopyFailure; readonly masterDetail?: boolean };

type Waiting = { resolve(result: CopyResult): void; reject(error: Error): void };

/**
 * The worker is started on the first copy and holds Node alive only while copies are pending. Should it die, the
 * copies pending fail and the next copy starts another.
 */
export class CopyThread {
  private worker?: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private unsent: CopyRequest[] = [];
  private lastId = 0;
  private whenIdle?: () => void;

  /** Copies one file; resolves with what the worker found (a failure included), rejects only if the worker died. */
  public copy(request: Omit<CopyRequest, 'id'>): Promise<CopyResult> {
    const worker = this.start();
    const id = ++this.lastId;
    return new Promise<CopyResult>((resolve, reject) => {
      if (this.waiting.size === 0) worker.ref();
      this.waiting.set(id, { resolve, reject });
      // The requests of one turn of the event loop go as one message.
      if (this.unsent.push({ ...request, id }) === 1) setImmediate(() => this.send());
    });
  }

  /** Stops the worker once the copies sent to it are done. */
  public async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.send();
    if (this.waiting.size) await new Promise<void>((resolve) => (this.whenIdle = resolve));
    this.worker = undefined;
    await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    // Compiled, the worker is copy-worker.js beside this file; run from the TypeScript sources, copy-worker.ts.
    const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
    const script = new URL(`./copy-worker.${extension}`, import.meta.url);
    // The worker inherits Node's options as Node passes them on (a loader such as tsx included, and options a worker
    // refuses when given explicitly, such as `node --max-old-space-size=8192`, tolerated), except for a script given
    // inline (`node --input-type=module -e ...`): `--input-type` would make the worker refuse its file, so the options
    // are given without it.
    const inline = process.execArgv.some((option) => option.startsWith('--input-type'));
    const execArgv = inline ? { execArgv: process.execArgv.filter((option) => !option.startsWith('--input-type')) } : {};
    // A small young generation: the thread's garbage is a few strings per file, and memory counts at 50,000 files.
    const worker = new Worker(script, { ...execArgv, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    worker.unref();
    worker.on('message', (results: CopyResult[]) => this.receive(results));
    worker.on('error', (error: Error) => this.stop(worker, error));
    worker.on('exit', (code) => this.stop(worker, new Error(`the copy thread ended (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private send(): void {
    if (!this.unsent.length || !this.worker) return;
    const requests = this.unsent;
    this.unsent = [];
    // Bytes go as a copy of their own, moved to the worker rather than copied again (a Buffer can be a view of a
    // larger one, which a message would copy whole).
    const moved: ArrayBuffer[] = [];
    const message = requests.map((request) => {
      if (!request.bytes) return request;
      const bytes = new Uint8Array(request.bytes);
      moved.push(bytes.buffer);
      return { ...request, bytes };
    });
    this.worker.postMessage(message, moved);
  }

  private receive(results: readonly CopyResult[]): void {
    for (const result of results) {
      this.waiting.get(result.id)?.resolve(result);
      this.waiting.delete(result.id);
    }
    if (this.waiting.size === 0) this.idle();
  }

  /** A worker died: the copies pending on it fail with why. */
  private stop(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.unsent = [];
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
    this.idle();
  }

  private idle(): void {
    this.worker?.unref();
    this.whenIdle?.();
    this.whenIdle = undefined;
  }
}
