import { Messages } from '@salesforce/core/messages';
import type { Change, ChangeKind, Classification, FileChange } from '../compare/types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
/** Every sentence the renderers print, from messages/report.md. */
export const reportMessages = Messages.loadMessages('sf-federate', 'report');

export const KIND_ORDER: readonly ChangeKind[] = ['added', 'removed', 'changed', 'renamed'];
export const CLASSIFICATIONS: readonly Classification[] = ['drift', 'overlay', 'region-owned', 'not-promoted'];

/** Longest value shown for an element's before/after; longer ones end in `…`. */
export const VALUE_WIDTH = 60;

/** Whitespace runs (newlines of XML fragments) become one space. */
export function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/**
 * One line of at most `width` characters, cut at its end: for a value shown alone (added or removed). A changed
 * value's before and after are cut together by `shortenPair` (value-window.ts), around their first difference.
 */
export function shorten(value: string, width = VALUE_WIDTH): string {
  const line = oneLine(value);
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, width - 1).join('')}…`;
}

/** A change's content files with their kinds; a change made without kinds (an older producer) has edited files. */
export function fileChangesOf(change: Change): readonly FileChange[] {
  return change.fileChanges ?? (change.files ?? []).map((path): FileChange => ({ path, kind: 'changed' }));
}

/** Counts per classification; undefined when no change is classified (not a region-aware diff). */
export function classificationCounts(changes: readonly Change[]): Record<Classification, number> | undefined {
  if (!changes.some((change) => change.classification)) return undefined;
  const counts: Record<Classification, number> = { drift: 0, overlay: 0, 'region-owned': 0, 'not-promoted': 0 };
  for (const change of changes) if (change.classification) counts[change.classification]++;
  return counts;
}

/** Changes of one kind, drift first when classified, then in the result's order. */
export function ofKind(changes: readonly Change[], kind: ChangeKind): Change[] {
  const picked = changes.filter((change) => change.kind === kind);
  return [...picked.filter((change) => change.classification === 'drift'), ...picked.filter((change) => change.classification !== 'drift')];
}
