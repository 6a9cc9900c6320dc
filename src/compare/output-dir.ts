import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Messages } from '@salesforce/core/messages';
import { ExitCode } from '../exit-codes.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-federate', 'federate.diff');

/** Marks a folder as written by sf-federate, so a later run may replace it and nothing else. */
export const OUTPUT_MARKER = '.sf-federate-output';

/**
 * Refuses, before compare and before writing, an output folder that is a file, or a folder holding anything sf-federate did not write
 * (it would be replaced).
 */
export function assertOutputDirUsable(target: string): void {
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory()) throw messages.createError('error.OutputDirIsAFile', [target], [], ExitCode.BadInput);
  if (readdirSync(target).length > 0 && !existsSync(join(target, OUTPUT_MARKER))) {
    throw messages.createError('error.OutputDirNotEmpty', [target], [], ExitCode.BadInput);
  }
}

/**
 * Writes an output folder all at once: `fill` writes into a staging folder beside the target, which replaces the
 * target only when `fill` succeeded. A failed run leaves the target as it was. A target that holds anything not
 * written by sf-federate is refused rather than replaced.
 */
export async function stageOutput(target: string, fill: (staging: string) => Promise<string[]>): Promise<string[]> {
  assertOutputDirUsable(target);
  await mkdir(dirname(target), { recursive: true });
  const staging = await mkdtemp(join(dirname(target), `.${basename(target)}.staging-`));
  try {
    const files = await fill(staging);
    await writeFile(join(staging, OUTPUT_MARKER), 'Written by sf-federate; the next run replaces this folder.\n');
    if (existsSync(target)) {
      const old = `${staging}.old`;
      await rename(target, old);
      await rename(staging, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(staging, target);
    }
    return files;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
