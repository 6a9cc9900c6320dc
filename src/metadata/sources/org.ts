/*
 * `org:ALIAS` sources: an org authenticated with the sf CLI, retrieved with SDR into the project's cache, then read
 * like a folder. Discovery, batching, retries and the cache live in src/metadata/org/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SfError } from '@salesforce/core/sfError';
import { ExitCode } from '../../exit-codes.js';
import { forceIgnoreFilter } from '../forceignore.js';
import { cacheKey, DEFAULT_CACHE_TTL_MINUTES, hashBytes, readCache, writeCache, type CacheRequest } from '../org/cache.js';
import { connect, identifyOrg, knownUsername } from '../org/connection.js';
import { manifestFilters, parseFilters, planRetrieve } from '../org/discovery.js';
import { orgMessages as messages } from '../org/messages.js';
import { errorText, isSessionError, redact } from '../org/redact.js';
import { DEFAULT_TUNING, GaveUpError, retrieveBatches, withRetry, type RetrieveTuning } from '../org/retrieve.js';
import { registryFor } from '../registry.js';
import { buildSnapshot } from '../snapshot.js';
import type { ProgressEvent, Snapshot, SourceInfo } from '../types.js';
import { folderStore } from './folder-store.js';
import type { ReadOptions, SourceSpec } from './source.js';
import type { SourceKindHandler } from './index.js';

export { DEFAULT_CACHE_TTL_MINUTES } from '../org/cache.js';
export type { RetrieveTuning } from '../org/retrieve.js';

/** Errors this layer creates on purpose; anything else from the network stack is translated (and redacted). */
const OWN_ERRORS = new Set(['UnknownOrgError', 'LightningInstanceUrlError', 'SessionExpiredError', 'OrgUnreachableError', 'RetrieveFailedError', 'OrgRequestFailedError', 'MetadataFilterError', 'ManifestUnreadableError', 'NothingToRetrieveError']);

/** Tuning from the environment (documented in docs/orgs.md), for very large or slow orgs. */
function envTuning(): Partial<RetrieveTuning> {
  const num = (name: string): number | undefined => {
    const value = Number(process.env[name]);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  };
  const tuning: Partial<RetrieveTuning> = {};
  const max = num('SF_FEDERATE_MAX_FILES_PER_RETRIEVE');
  if (max) Object.assign(tuning, { maxFilesPerRetrieve: Math.min(max, 10_000) });
  const retries = Number(process.env.SF_FEDERATE_RETRIES);
  if (Number.isInteger(retries) && retries >= 0) Object.assign(tuning, { retries: Math.min(retries, 10) });
  const timeout = num('SF_FEDERATE_ORG_TIMEOUT_SECONDS');
  if (timeout) Object.assign(tuning, { timeoutMs: timeout * 1000 });
  return tuning;
}

/**
 * Reads an org into a snapshot. `tuning` is for tests and tools (batch size, retries, timeouts); the command uses the
 * defaults, which the SF_FEDERATE_* variables can change.
 */
export async function readOrgSource(spec: SourceSpec, options: ReadOptions, tuning: Partial<RetrieveTuning> = {}): Promise<Snapshot> {
  const settings: RetrieveTuning = { ...DEFAULT_TUNING, ...envTuning(), ...tuning };
  const name = spec.value;
  const projectFile = join(options.projectDir, 'sfdx-project.json');
  const registry = registryFor(existsSync(projectFile) ? options.projectDir : undefined);

  // Bad input is refused before anything is asked of the org.
  const metadata = [...(options.metadata ?? [])];
  const filters = parseFilters(metadata, registry);
  let manifestHash: string | undefined;
  if (options.manifest) {
    const manifestPath = resolve(options.projectDir, options.manifest);
    filters.push(...manifestFilters(manifestPath, registry));
    manifestHash = hashBytes(readFileSync(manifestPath));
  }

  const { identity, authInfo } = await identifyOrg(name);
  const secret = authInfo.getFields(true).accessToken;
  const onProgress = options.onProgress
    ? (event: ProgressEvent): void => options.onProgress!({ ...event, message: redact(event.message, secret) } as ProgressEvent)
    : undefined;
  const source: SourceInfo = {
    kind: 'org',
    spec: `org:${name}`,
    label: identity.label,
    format: 'metadata',
    instance: identity.instance,
    orgId: identity.orgId,
  };
  const request: CacheRequest = { apiVersion: options.apiVersion, metadata, manifestHash };
  const key = cacheKey(request);
  const ttl = options.noCache ? 0 : options.cacheTtlMinutes ?? DEFAULT_CACHE_TTL_MINUTES;

  let entry = readCache(options.projectDir, identity.orgId, key, ttl);
  if (entry) {
    onProgress?.({ kind: 'phase', message: messages.getMessage('progress.CacheHit', [identity.label, Math.floor(entry.ageMinutes)]) });
    for (const warning of entry.meta.warnings) onProgress?.({ kind: 'warning', message: warning });
  } else {
    try {
      onProgress?.({ kind: 'phase', message: messages.getMessage('progress.Connecting', [identity.label]) });
      const connection = await connect(authInfo, options.apiVersion);
      const retrying = <T>(what: string, fn: () => Promise<T>): Promise<T> => withRetry(fn, settings, undefined, secret);
      const plan = await planRetrieve(connection, {
        apiVersion: options.apiVersion,
        registry,
        orgName: name,
        filters,
        maxFilesPerRetrieve: settings.maxFilesPerRetrieve,
        listConcurrency: settings.listConcurrency,
        onProgress,
        withRetry: retrying,
      });
      if (plan.batches.length === 0) {
        const asked = [...metadata, ...(options.manifest ? [options.manifest] : [])].join(', ') || 'everything';
        throw messages.createError('error.NothingToRetrieve', [name, asked], [name], ExitCode.BadInput);
      }
      onProgress?.({ kind: 'phase', message: messages.getMessage('progress.Retrieving', [identity.label, plan.components, plan.batches.length]) });
      entry = {
        ...(await writeCache(options.projectDir, identity.orgId, key, async (staging) => {
          const result = await retrieveBatches(connection, plan.batches, staging, {
            apiVersion: options.apiVersion,
            registry,
            orgName: name,
            tuning: settings,
            onProgress,
            secret,
            projectSettings: projectSettings(projectFile),
          });
          return {
            orgId: identity.orgId,
            username: identity.username,
            instanceUrl: identity.instanceUrl,
            request,
            warnings: [...plan.warnings, ...result.warnings],
            files: result.files,
          };
        })),
        ageMinutes: 0,
      };
    } catch (error) {
      throw translate(error, identity, secret);
    }
  }

  // The retrieve is kept under the project's .sf-federate/: SDR's own search would find the project's .forceignore
  // there and, with its default rule for dot folders, ignore the whole tree. The project's rules are applied to the
  // tree as if it were the project, as `sf project retrieve` does.
  const forceIgnoreText = readForceIgnore(options.projectDir);
  const snapshot = await buildSnapshot(folderStore(entry.dir, { forceIgnoreText }), {
    registry,
    source,
    apiVersion: options.apiVersion,
    packageDirs: ['force-app'],
    onProgress,
  });
  return { ...snapshot, forceIgnore: { text: forceIgnoreText, denies: forceIgnoreFilter(forceIgnoreText) } };
}

function translate(error: unknown, identity: { name: string; instanceUrl: string; label: string }, secret: string | undefined): SfError {
  if (error instanceof SfError && OWN_ERRORS.has(error.name)) {
    // Ours, but SDR or the server may have put a token into the text: scrub it anyway.
    return new SfError(redact(error.message, secret), error.name, error.actions, error.exitCode);
  }
  const { name, instanceUrl, label } = identity;
  if (isSessionError(error)) {
    return messages.createError('error.SessionExpired', [name, instanceUrl], [name, instanceUrl, name, instanceUrl], ExitCode.External);
  }
  if (error instanceof GaveUpError) {
    return messages.createError('error.OrgUnreachable', [name, instanceUrl, error.attempts, error.lastError], [instanceUrl], ExitCode.External);
  }
  const code = (error as { errorCode?: string; name?: string }).errorCode ?? (error as Error).name ?? 'Error';
  return messages.createError('error.OrgRequestFailed', [label, redact(String(code), secret), errorText(error, secret)], [], ExitCode.External);
}

/** sfdx-project.json settings that change how SDR converts metadata, carried into the staging project. */
function projectSettings(projectFile: string): Record<string, unknown> {
  if (!existsSync(projectFile)) return {};
  try {
    const raw = JSON.parse(readFileSync(projectFile, 'utf8')) as Record<string, unknown>;
    const picked: Record<string, unknown> = {};
    for (const key of ['registryPresets', 'registryCustomizations', 'sourceBehaviorOptions']) if (key in raw) picked[key] = raw[key];
    return picked;
  } catch {
    return {};
  }
}

export const orgSourceKind: SourceKindHandler = {
  recognises: async (value) => (await knownUsername(value)) !== undefined,
  read: (spec, options) => readOrgSource(spec, options),
};

/** The project's `.forceignore` text, or undefined when it has none. */
function readForceIgnore(projectDir: string): string | undefined {
  try {
    return readFileSync(join(projectDir, '.forceignore'), 'utf8');
  } catch {
    return undefined;
  }
}
