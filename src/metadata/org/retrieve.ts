/*
 * Retrieves planned batches with SDR into a staging SFDX project, in source format, one batch after the other. A
 * batch that fails on the network or times out is tried again a bounded number of times; an invalid session is not.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection } from '@salesforce/core';
import type { RegistryAccess } from '@salesforce/source-deploy-retrieve';
import type { ProgressListener } from '../types.js';
import type { RetrieveEntry } from './discovery.js';
import { orgMessages as messages } from './messages.js';
import { errorText, isSessionError, isTransientError } from './redact.js';

export type RetrieveTuning = {
  /** Metadata API limit is 10,000 files per retrieve. */
  readonly maxFilesPerRetrieve: number;
  /** Further attempts after a network error or a timeout (so attempts = retries + 1). */
  readonly retries: number;
  /** Longest wait for one request or one batch, in milliseconds. */
  readonly timeoutMs: number;
  /** First pause before a retry; doubled each time, at most 10 s. */
  readonly retryDelayMs: number;
  /** How often SDR polls a retrieve; undefined lets SDR choose from the batch size. */
  readonly pollMs?: number;
  readonly listConcurrency: number;
};

export const DEFAULT_TUNING: RetrieveTuning = {
  maxFilesPerRetrieve: 10_000,
  retries: 2,
  timeoutMs: 10 * 60_000,
  retryDelayMs: 1000,
  listConcurrency: 8,
};

/** Thrown when a batch or request gave up; carries the last error text (already redacted). */
export class GaveUpError extends Error {
  public constructor(public readonly attempts: number, public readonly lastError: string, public readonly timedOut: boolean) {
    super(lastError);
    this.name = 'GaveUpError';
  }
}

/** Runs fn with a timeout, trying again on transient errors; session errors and others are thrown at once. */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  tuning: Pick<RetrieveTuning, 'retries' | 'timeoutMs' | 'retryDelayMs'>,
  onRetry?: (attempt: number, attempts: number, error: string) => void,
  secret?: string
): Promise<T> {
  const attempts = tuning.retries + 1;
  let last = '';
  let timedOut = false;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      // eslint-disable-next-line no-await-in-loop
      return await withTimeout(fn(attempt), tuning.timeoutMs);
    } catch (error) {
      if (isSessionError(error)) throw error;
      const timeout = error instanceof TimeoutError;
      if (!timeout && !isTransientError(error)) throw error;
      timedOut = timeout;
      last = errorText(error, secret);
      if (attempt < attempts) {
        onRetry?.(attempt + 1, attempts, last);
        // eslint-disable-next-line no-await-in-loop
        await new Promise((resolve) => setTimeout(resolve, Math.min(tuning.retryDelayMs * 2 ** (attempt - 1), 10_000)));
      }
    }
  }
  throw new GaveUpError(attempts, last, timedOut);
}

class TimeoutError extends Error {
  public constructor(ms: number) {
    super(`no answer within ${ms / 1000} s (timed out)`);
    this.name = 'TimeoutError';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
  });
  // A promise abandoned on timeout may still reject later: swallow that.
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export type BatchRetrieveOptions = {
  readonly apiVersion: string;
  readonly registry: RegistryAccess;
  readonly orgName: string;
  readonly tuning: RetrieveTuning;
  readonly onProgress?: ProgressListener;
  /** Never printed; used to scrub texts. */
  readonly secret?: string;
  /** sfdx-project.json properties to carry into the staging project (registryPresets, registryCustomizations). */
  readonly projectSettings?: Record<string, unknown>;
};

/**
 * Retrieves every batch into `<staging>/force-app` (source format). Returns the warnings (missing members, messages
 * of the retrieve) and the number of files written.
 */
export async function retrieveBatches(
  connection: Connection,
  batches: ReadonlyArray<readonly RetrieveEntry[]>,
  staging: string,
  options: BatchRetrieveOptions
): Promise<{ warnings: string[]; files: number }> {
  const { apiVersion, registry, orgName, tuning, onProgress, secret } = options;
  mkdirSync(join(staging, 'force-app'), { recursive: true });
  // SDR writes a retrieve only where no .forceignore hides it, and finds one by searching upward from its output:
  // below the project's .sf-federate/ that is the project's, whose default rule for dot folders hides everything.
  // This empty one stops the search here; the project's rules are applied when the snapshot is read (sources/org.ts).
  writeFileSync(join(staging, '.forceignore'), '# sf-federate: the project\'s .forceignore is applied when this retrieve is read\n');
  writeFileSync(
    join(staging, 'sfdx-project.json'),
    JSON.stringify({ ...options.projectSettings, packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: apiVersion }, null, 2)
  );
  // SDR's index (ComponentSet, the retrieve client) is loaded when an org is retrieved, not by every command.
  const { ComponentSet } = await import('@salesforce/source-deploy-retrieve');
  const warnings: string[] = [];
  let files = 0;
  for (const [index, batch] of batches.entries()) {
    // Not a dot folder: SDR's default .forceignore rules hide those.
    const work = join(staging, 'work', String(index + 1));
    // eslint-disable-next-line no-await-in-loop
    const result = await withRetry(
      async () => {
        rmSync(work, { recursive: true, force: true });
        mkdirSync(work, { recursive: true });
        const set = new ComponentSet(
          batch.flatMap((entry) => entry.members.map((fullName) => ({ type: entry.type, fullName }))),
          registry
        );
        set.apiVersion = apiVersion;
        set.sourceApiVersion = apiVersion;
        const operation = await set.retrieve({ usernameOrConnection: connection, output: work, format: 'source', merge: false });
        // (frequency in ms — undefined lets SDR choose —, timeout in seconds)
        return operation.pollStatus(tuning.pollMs, Math.max(1, Math.ceil(tuning.timeoutMs / 1000)));
      },
      tuning,
      (attempt, attempts, error) =>
        onProgress?.({ kind: 'warning', message: messages.getMessage('warning.Retrying', [index + 1, batches.length, orgName, error, attempt, attempts]) }),
      secret
    );
    const response = result.response;
    if (String(response.status) === 'Failed' || (response.success as unknown) === false || String(response.success) === 'false') {
      const problem = ensureArray(response.messages).map((m) => m.problem).join('; ') || String(response.status);
      throw messages.createError('error.RetrieveFailed', [orgName, errorText(new Error(problem), secret)]);
    }
    for (const message of ensureArray(response.messages)) {
      const text = messages.getMessage('warning.RetrieveMessage', [orgName, errorText(new Error(message.problem), secret)]);
      warnings.push(text);
      onProgress?.({ kind: 'warning', message: text });
    }
    files += moveInto(packageRoot(work), join(staging, 'force-app'));
    rmSync(work, { recursive: true, force: true });
    onProgress?.({ kind: 'count', message: messages.getMessage('progress.FilesRetrieved'), done: files });
  }
  rmSync(join(staging, 'work'), { recursive: true, force: true });
  return { warnings, files };
}

/** SDR writes a non-merged retrieve below `<output>/metadataPackage_<time>/`. */
function packageRoot(output: string): string {
  const inner = readdirSync(output).filter((name) => name.startsWith('metadataPackage_') && statSync(join(output, name)).isDirectory());
  return inner.length === 1 ? join(output, inner[0]) : output;
}

function moveInto(from: string, to: string): number {
  let count = 0;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else count++;
    }
  };
  if (existsSync(from)) {
    walk(from);
    cpSync(from, to, { recursive: true });
  }
  return count;
}

function ensureArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
