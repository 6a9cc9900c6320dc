/*
 * A Node.js binary older than sf-federate supports, to run the entry points on as a user with the machine's own Node
 * would. The npm scripts and mocha run on the Node 22 of node_modules/.bin; the machines (CI included) also have
 * their system Node 20 further down PATH.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join, sep } from 'node:path';
import { isNodeVersionSupported } from '../../src/node-version.js';

export type OldNode = { readonly path: string; readonly version: string };

/** Every `node` on PATH outside a node_modules/.bin, then the usual system places. */
function candidates(): string[] {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir && !dir.split(sep).join('/').includes('node_modules/.bin'));
  const paths = [...dirs, '/usr/local/bin', '/usr/bin', '/bin'].map((dir) => join(dir, process.platform === 'win32' ? 'node.exe' : 'node'));
  return [...new Set(paths)].filter((path) => existsSync(path));
}

/** The first Node below the supported floor, or undefined when the machine has none. */
export function findOldNode(): OldNode | undefined {
  for (const path of candidates()) {
    let version: string;
    try {
      version = execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 10_000 }).trim();
    } catch {
      continue;
    }
    if (!isNodeVersionSupported(version)) return { path, version };
  }
  return undefined;
}
