import { readSync } from 'node:fs';

/*
 * The spool file (spool.ts): what `git cat-file --batch` writes for a list of blobs, one answer after the other, each
 * `<blob> blob <size>\n`, the bytes, `\n`. Sizes are asked first (`--batch-check`), so where each blob will be is known
 * before git writes it. Only node: modules here: the worker threads that use this load nothing else.
 */

/** What the main thread gives the spool worker. */
export type SpoolJob = {
  /** Any folder inside the repository. */
  readonly cwd: string;
  readonly from: string;
  readonly to: string;
  /** Spool what `to` changed since the merge base of `from` and `to`. */
  readonly mergeBase: boolean;
  /** The file the blobs are written to (created by the worker). */
  readonly path: string;
  /** At most this many bytes of blobs are spooled; the rest is read from git as usual. */
  readonly budget: number;
};

/** A blob in the spool file: where its answer starts (the header line), and its size. */
export type SpooledBlob = readonly [blob: string, start: number, size: number];

/** What the worker tells the main thread: the plan once git writes, then whether git wrote all of it. */
export type SpoolMessage =
  | { readonly kind: 'writing'; readonly blobs: readonly SpooledBlob[] }
  | { readonly kind: 'written'; readonly complete: boolean }
  | { readonly kind: 'skipped'; readonly reason: string };

const REGULAR = new Set(['100644', '100755']);
const NO_BLOB = /^0+$/;

/**
 * The blobs of `git diff-tree -r -z` output that a comparison reads: every changed file's new blob, and its old one
 * when the file was there before too. Links and submodules are left out. Paths are not looked at: what lies outside
 * the package directories is spooled for nothing, which the budget bounds.
 */
export function changedBlobs(rawZ: string): string[] {
  const blobs = new Set<string>();
  const fields = rawZ.split('\0');
  for (let index = 0; index + 1 < fields.length; index += 2) {
    // `:<old mode> <new mode> <old blob> <new blob> <status>`, then the path (two paths for a copy or a rename).
    const [oldMode, newMode, oldBlob, newBlob, status] = fields[index].slice(1).split(' ');
    if (!status) continue;
    if (status.startsWith('R') || status.startsWith('C')) index++;
    if (REGULAR.has(newMode) && !NO_BLOB.test(newBlob)) blobs.add(newBlob);
    if (REGULAR.has(oldMode) && REGULAR.has(newMode) && !NO_BLOB.test(oldBlob)) blobs.add(oldBlob);
  }
  return [...blobs];
}

/** The header git writes before a blob's bytes. */
function header(blob: string, size: number): string {
  return `${blob} blob ${size}\n`;
}

/** The blobs of `git cat-file --batch-check` output that fit the budget, in order, with where git will write each. */
export function planSpool(batchCheck: string, budget: number): SpooledBlob[] {
  const blobs: SpooledBlob[] = [];
  let length = 0;
  let total = 0;
  for (const line of batchCheck.split('\n')) {
    const [blob, type, sizeText] = line.split(' ');
    if (type !== 'blob') continue;
    const size = Number(sizeText);
    if (total + size > budget) continue;
    total += size;
    blobs.push([blob, length, size]);
    length += header(blob, size).length + size + 1;
  }
  return blobs;
}

/**
 * A spooled blob's bytes, read with its header in one read; undefined unless the header is the one expected there
 * (git wrote something else, the descriptor was closed or reused) and the bytes are all there.
 */
export function readSpooledBlob(fd: number, [blob, start, size]: SpooledBlob): Buffer | undefined {
  const expected = header(blob, size);
  const length = expected.length + size;
  const bytes = Buffer.allocUnsafe(length);
  let done = 0;
  try {
    while (done < length) {
      const read = readSync(fd, bytes, done, length - done, start + done);
      if (read === 0) return undefined;
      done += read;
    }
  } catch {
    return undefined;
  }
  if (bytes.toString('latin1', 0, expected.length) !== expected) return undefined;
  return bytes.subarray(expected.length);
}
