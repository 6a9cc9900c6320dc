import { createHash } from 'node:crypto';

/** Git's blob id of some bytes: lets a folder's file and a git blob be compared without reading the blob. */
export function gitBlobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** One hash over several file hashes, independent of the order they were found in. */
export function combineHashes(parts: ReadonlyArray<readonly [name: string, hash: string]>): string {
  const sorted = [...parts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const hash = createHash('sha1');
  for (const [name, value] of sorted) hash.update(`${name}\0${value}\n`);
  return hash.digest('hex');
}
