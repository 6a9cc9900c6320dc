import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { readDirSource } from '../../src/metadata/sources/dir.js';
import type { Snapshot } from '../../src/metadata/types.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'metadata');

/** Temp folders made by a test file; remove them in `after`. */
export class TempDirs {
  private readonly dirs: string[] = [];

  public make(): string {
    const dir = mkdtempSync(join(tmpdir(), 'sf-federate-compare-'));
    this.dirs.push(dir);
    return dir;
  }

  /** A copy of a fixture folder (test/fixtures/metadata/NAME). */
  public copy(name: string): string {
    const dir = this.make();
    cpSync(join(FIXTURES, name), dir, { recursive: true });
    return dir;
  }

  public cleanup(): void {
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

export async function snapshotOf(dir: string): Promise<Snapshot> {
  // readSource's dir handler, called directly (sources/index.ts also loads the git and org sources).
  return readDirSource({ kind: 'dir', value: dir, guessed: false }, { apiVersion: '62.0', projectDir: dir });
}

/** Replaces `before` (which must occur exactly once) with `after` in a file below `dir`. */
export function edit(dir: string, path: string, before: string, after: string): void {
  const file = join(dir, path);
  const text = readFileSync(file, 'utf8');
  expect(text.split(before).length - 1, `"${before}" once in ${path}`).to.equal(1);
  writeFileSync(file, text.replace(before, after));
}

/** Writes files (path relative to `root` → text), making their folders. */
export function writeFiles(root: string, files: Readonly<Record<string, string>>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}
