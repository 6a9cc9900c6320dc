import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Where a project folder sits in its git work tree (`salesforce/` for a project kept in a subfolder; '' at the top,
 * or outside git), with `/` separators. Findings name files relative to the project, while GitHub resolves SARIF
 * locations and workflow annotations from the top of the repository: they need this in front.
 *
 * The top is the nearest folder above with a `.git` entry (a folder, or the file a linked work tree or submodule
 * has), as git finds it, without starting a git process.
 */
export function projectPathInRepository(projectDir: string): string {
  const start = resolve(projectDir);
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return relative(dir, start).split('\\').join('/');
    if (dirname(dir) === dir) return '';
  }
}

/** A project-relative path as the repository knows it. */
export function inRepository(prefix: string, path: string): string {
  return prefix ? `${prefix}/${path}` : path;
}
