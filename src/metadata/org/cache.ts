/*
 * Retrieved snapshots, kept under `<project>/.sf-federate/cache/<orgId>/<key>/` so that a second diff within the TTL
 * does not retrieve again. The key is a hash of what was asked (API version, --metadata values, the manifest's
 * bytes). An entry is written in a staging folder and renamed into place only when the retrieve is complete, so a
 * failed retrieve leaves nothing half-written. Entries hold metadata and meta.json (no access token, ever).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Minutes a retrieve is reused by default. */
export const DEFAULT_CACHE_TTL_MINUTES = 60;
const STAGING_PREFIX = '.staging-';

export type CacheRequest = {
  readonly apiVersion: string;
  readonly metadata: readonly string[];
  /** Hash of the manifest's bytes, when one was given. */
  readonly manifestHash?: string;
};

export type CacheMeta = {
  readonly formatVersion: 1;
  readonly createdAt: string;
  readonly orgId: string;
  readonly username: string;
  readonly instanceUrl: string;
  readonly request: CacheRequest;
  readonly warnings: readonly string[];
  readonly files: number;
};

export function cacheRoot(projectDir: string): string {
  return join(projectDir, '.sf-federate', 'cache');
}

export function cacheKey(request: CacheRequest): string {
  const canonical = JSON.stringify({ apiVersion: request.apiVersion, metadata: [...request.metadata].sort(), manifest: request.manifestHash ?? null });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

export function hashBytes(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A usable entry younger than ttlMinutes, or undefined. */
export function readCache(projectDir: string, orgId: string, key: string, ttlMinutes: number): { dir: string; meta: CacheMeta; ageMinutes: number } | undefined {
  if (ttlMinutes <= 0) return undefined;
  const dir = join(cacheRoot(projectDir), orgId, key);
  const metaFile = join(dir, 'meta.json');
  if (!existsSync(metaFile)) return undefined;
  let meta: CacheMeta;
  try {
    meta = JSON.parse(readFileSync(metaFile, 'utf8')) as CacheMeta;
  } catch {
    return undefined;
  }
  const ageMinutes = (Date.now() - Date.parse(meta.createdAt)) / 60_000;
  if (!(ageMinutes >= 0 && ageMinutes < ttlMinutes) || meta.formatVersion !== 1) return undefined;
  return { dir, meta, ageMinutes };
}

/**
 * Fills a staging folder with `fill`, then renames it to the entry's place. When fill throws, the staging folder is
 * removed and the previous entry (if any) stays as it was.
 */
export async function writeCache(
  projectDir: string,
  orgId: string,
  key: string,
  fill: (staging: string) => Promise<Omit<CacheMeta, 'formatVersion' | 'createdAt'>>
): Promise<{ dir: string; meta: CacheMeta }> {
  const orgDir = join(cacheRoot(projectDir), orgId);
  mkdirSync(orgDir, { recursive: true });
  sweepStaging(orgDir);
  const staging = join(orgDir, `${STAGING_PREFIX}${key}-${randomBytes(4).toString('hex')}`);
  mkdirSync(staging);
  try {
    const partial = await fill(staging);
    const meta: CacheMeta = { formatVersion: 1, createdAt: new Date().toISOString(), ...partial };
    writeFileSync(join(staging, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
    const dir = join(orgDir, key);
    const old = `${dir}.old-${randomBytes(4).toString('hex')}`;
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(staging, dir);
    rmSync(old, { recursive: true, force: true });
    return { dir, meta };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Removes staging folders left by a process that was killed more than an hour ago. */
function sweepStaging(orgDir: string): void {
  for (const name of readdirSync(orgDir)) {
    if (!name.startsWith(STAGING_PREFIX) && !name.includes('.old-')) continue;
    const path = join(orgDir, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > 60 * 60_000) rmSync(path, { recursive: true, force: true });
    } catch {
      // gone already
    }
  }
}
