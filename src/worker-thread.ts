import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * Starts a worker thread on a script beside the caller (`new URL('./name.js', import.meta.url)`): compiled, `name.js`;
 * run from the TypeScript sources, `name.ts`.
 *
 * The worker inherits Node's options as Node passes them on (a loader such as tsx included, and options a worker
 * refuses when given explicitly, such as `node --max-old-space-size=8192`, tolerated), except for a script given
 * inline (`node --input-type=module -e ...`): `--input-type` would make the worker refuse its file, so the options
 * are given without it.
 */
export function startWorker(callerUrl: string, name: string, options: { workerData?: unknown; resourceLimits?: ResourceLimits } = {}): Worker {
  const extension = callerUrl.endsWith('.ts') ? 'ts' : 'js';
  const script = new URL(`./${name}.${extension}`, callerUrl);
  const inline = process.execArgv.some((option) => option.startsWith('--input-type'));
  const execArgv = inline ? { execArgv: process.execArgv.filter((option) => !option.startsWith('--input-type')) } : {};
  return new Worker(script, { ...execArgv, ...options });
}
