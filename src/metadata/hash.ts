import * as crypto from 'node:crypto';

const { createHash } = crypto;
/**
 * Node's one-shot digest (Node ≥ 20.12 and 21.7): for thousands of short inputs it skips the Hash object, and the
 * deprecation check its constructor runs (about 30 ms over a 12,000-file delta's components).
 */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** Git's blob id of some bytes: lets a folder's file and a git blob be compared without reading the blob. */
export function gitBlobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** One hash over several file hashes, independent of the order they were found in. */
export function combineHashes(parts: ReadonlyArray<readonly [name: string, hash: string]>): string {
  const sorted = [...parts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let text = '';
  for (const [name, value] of sorted) text += `${name}\0${value}\n`;
  return oneShot ? oneShot('sha1', text, 'hex') : createHash('sha1').update(text).digest('hex');
}
