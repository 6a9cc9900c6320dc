import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ExitCode } from '../../exit-codes.js';
import { metadataMessages as messages } from '../messages.js';
import type { Snapshot, SourceKind } from '../types.js';
import { readDirSource } from './dir.js';
import { gitSourceKind } from './git.js';
import { orgSourceKind } from './org.js';
import type { ReadOptions, SourceReader, SourceSpec } from './source.js';

export type { ReadOptions, SourceSpec } from './source.js';

/** How one kind of source is read, and how a bare value is recognised as that kind. */
export type SourceKindHandler = {
  readonly read: SourceReader;
  recognises(value: string, options: ReadOptions): Promise<boolean>;
};

const handlers: Record<SourceKind, SourceKindHandler> = {
  dir: { read: readDirSource, recognises: (value, options) => Promise.resolve(existsSync(resolve(options.projectDir, value))) },
  git: gitSourceKind,
  org: orgSourceKind,
};

/** Order in which a bare value is tried, as DESIGN.md says. */
const GUESS_ORDER: readonly SourceKind[] = ['dir', 'git', 'org'];

/** Parses `dir:PATH`, `git:REF[:PATH]`, `org:ALIAS`; a bare value is marked for guessing. */
export function parseSourceSpec(text: string): SourceSpec {
  const match = /^(dir|git|org):(.*)$/s.exec(text);
  if (match) {
    if (!match[2]) throw messages.createError('error.SourceSpec', [text], [], ExitCode.BadInput);
    return { kind: match[1] as SourceKind, value: match[2], guessed: false };
  }
  if (!text) throw messages.createError('error.SourceSpec', [text], [], ExitCode.BadInput);
  return { kind: 'dir', value: text, guessed: true };
}

/** Settles the kind of a guessed spec: the first of dir, git, org that recognises the value. */
export async function settleSourceSpec(spec: SourceSpec, options: ReadOptions): Promise<SourceSpec> {
  if (!spec.guessed) return spec;
  for (const kind of GUESS_ORDER) {
    // eslint-disable-next-line no-await-in-loop
    if (await handlers[kind].recognises(spec.value, options)) {
      options.onProgress?.({ kind: 'warning', message: messages.getMessage('warning.Guessed', [spec.value, `${kind}:${spec.value}`]) });
      return { ...spec, kind };
    }
  }
  const v = spec.value;
  // `svn:trunk`, `Dir:.`, `branch:main`: a kind that does not exist; prefixing it again (dir:svn:trunk) is no help.
  // Two letters at least, so that a Windows path (C:\work) is not taken for one.
  const kind = /^([A-Za-z][\w.+-]+):/.exec(v)?.[1];
  if (kind) throw messages.createError('error.UnknownSourceKind', [v, options.projectDir, kind], [], ExitCode.BadInput);
  throw messages.createError('error.SourceNotFound', [v, options.projectDir], [v, v, v, v], ExitCode.BadInput);
}

/** Reads any source into a snapshot. */
export async function readSource(spec: SourceSpec, options: ReadOptions): Promise<Snapshot> {
  const settled = await settleSourceSpec(spec, options);
  return handlers[settled.kind].read(settled, options);
}
