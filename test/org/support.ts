import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProgressEvent } from '../../src/metadata/types.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A temp SFDX project (only sfdx-project.json) for the cache to live in. */
export function tempProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sf-federate-org-'));
  cpSync(join(FIXTURES, 'global', 'sfdx-project.json'), join(dir, 'sfdx-project.json'));
  return dir;
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** Collects progress events. */
export function progressLog(): { events: ProgressEvent[]; listener: (event: ProgressEvent) => void; warnings: () => string[] } {
  const events: ProgressEvent[] = [];
  return { events, listener: (event) => events.push(event), warnings: () => events.filter((e) => e.kind === 'warning').map((e) => e.message) };
}

/** Every file's text below a folder, concatenated (for "the token is nowhere" checks). */
export function allText(dir: string): string {
  let text = '';
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else text += `\n${path}\n${readFileSync(path, 'utf8')}`;
    }
  };
  walk(dir);
  return text;
}

/** Everything an error shows a user or a JSON consumer: message, actions, name, data, and its JSON form. */
export function errorSurface(error: unknown): string {
  const e = error as { message?: string; actions?: string[]; name?: string; data?: unknown; toObject?: () => unknown; stack?: string; cause?: unknown };
  return [e.name, e.message, ...(e.actions ?? []), JSON.stringify(e.data ?? null), JSON.stringify(e.toObject?.() ?? null), e.stack, String(e.cause ?? '')].join('\n');
}
