import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { posix } from 'node:path';
import { ForceIgnore } from './sdr.js';

/**
 * A `.forceignore` text with SDR's semantics (its defaults and matcher), for paths relative to the project root: a
 * git ref's own file, or the project's applied to a tree that is not in the project's place (an org retrieve).
 * SDR's ForceIgnore reads a file, so the text is handed to it through a temporary file, removed at once. No text: nothing
 * is ignored (as SDR without a .forceignore).
 */
export function forceIgnoreFilter(contents: string | undefined): (path: string) => boolean {
  if (contents === undefined) return () => false;
  // Both sides of a comparison usually hold the same .forceignore: one matcher, and each path asked once.
  let filter = forceIgnoreFilters.get(contents);
  if (!filter) {
    const denies = newForceIgnoreFilter(contents);
    const answers = new Map<string, boolean>();
    filter = (path: string): boolean => {
      let denied = answers.get(path);
      if (denied === undefined) answers.set(path, (denied = denies(path)));
      return denied;
    };
    forceIgnoreFilters.clear();
    forceIgnoreFilters.set(contents, filter);
  }
  return filter;
}

const forceIgnoreFilters = new Map<string, (path: string) => boolean>();

function newForceIgnoreFilter(contents: string): (path: string) => boolean {
  const dir = mkdtempSync(posix.join(tmpdir(), 'sf-federate-forceignore-'));
  let forceIgnore: ForceIgnore;
  try {
    writeFileSync(posix.join(dir, '.forceignore'), contents);
    forceIgnore = new ForceIgnore(posix.join(dir, '.forceignore'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // SDR's denies() also stats the disk for every path (to test directory patterns); git paths are files, so ask its
  // matcher directly: node-ignore matches a file below an ignored folder by itself.
  const parser = (forceIgnore as unknown as { parser?: { ignores(path: string): boolean } }).parser;
  if (!parser) return (path) => forceIgnore.denies(posix.join(dir, path));
  return (path) => {
    try {
      return parser.ignores(path);
    } catch {
      return false;
    }
  };
}
