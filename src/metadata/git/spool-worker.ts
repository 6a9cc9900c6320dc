import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { GIT_ENV } from './env.js';
import { changedBlobs, planSpool, type SpoolJob, type SpoolMessage } from './spool-file.js';

/*
 * The worker thread of spool.ts: asks git which blobs differ between two commits and how large they are, then has one
 * `git cat-file --batch` write them into the spool file. Only node: modules are loaded, so the thread starts in
 * milliseconds and git is at work while the main thread still loads SDR.
 */

function git(cwd: string, args: readonly string[], input?: string): Promise<{ ok: boolean; stdout: string }> {
  return new Promise((settle) => {
    const child = execFile('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'latin1', maxBuffer: 1024 * 1024 * 1024 }, (error, stdout) =>
      settle({ ok: !error, stdout })
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}

async function spool(job: SpoolJob, port: MessagePort): Promise<void> {
  const run: { stopped: boolean; writer?: ChildProcess } = { stopped: false };
  // The main thread is done with the spool: git need not finish it, and the thread may end.
  port.on('message', () => {
    run.stopped = true;
    run.writer?.kill();
    port.close();
  });
  const skip = (reason: string): void => port.postMessage({ kind: 'skipped', reason } satisfies SpoolMessage);

  let from = `${job.from}^{commit}`;
  const to = `${job.to}^{commit}`;
  if (job.mergeBase) {
    const base = await git(job.cwd, ['merge-base', '--end-of-options', from, to]);
    if (!base.ok) return skip(`no merge base of ${job.from} and ${job.to}`);
    from = base.stdout.trim();
  }
  const diff = await git(job.cwd, ['diff-tree', '-r', '-z', '--no-renames', '--end-of-options', from, to]);
  if (!diff.ok) return skip(`git diff-tree ${job.from} ${job.to} failed`);
  const wanted = changedBlobs(diff.stdout);
  if (!wanted.length) return skip('no blob differs');
  const check = await git(job.cwd, ['cat-file', '--batch-check'], `${wanted.join('\n')}\n`);
  if (!check.ok) return skip('git cat-file --batch-check failed');
  const blobs = planSpool(check.stdout, job.budget);
  if (!blobs.length) return skip('no blob fits the budget');
  if (run.stopped) return;

  const out = openSync(job.path, 'w');
  const child = spawn('git', ['cat-file', '--batch'], { cwd: job.cwd, env: { ...process.env, ...GIT_ENV }, stdio: ['pipe', out, 'ignore'] });
  closeSync(out);
  run.writer = child;
  port.postMessage({ kind: 'writing', blobs } satisfies SpoolMessage);
  let ended = false;
  const end = (complete: boolean): void => {
    if (!ended && !run.stopped) port.postMessage({ kind: 'written', complete } satisfies SpoolMessage);
    ended = true;
  };
  child.on('error', () => end(false));
  child.on('close', (code) => end(code === 0));
  child.stdin!.on('error', () => undefined);
  child.stdin!.end(`${blobs.map(([blob]) => blob).join('\n')}\n`);
}

if (parentPort) {
  const port = parentPort;
  spool(workerData as SpoolJob, port).catch((error: unknown) =>
    port.postMessage({ kind: 'skipped', reason: error instanceof Error ? error.message : String(error) } satisfies SpoolMessage)
  );
}
