import type { DiffResult, KindCounts } from '../compare/result.js';
import type { Change, ChangeKind, ElementChange } from '../compare/types.js';
import { KIND_ORDER, classificationCounts, fileChangesOf, ofKind, reportMessages as messages, shorten } from './format.js';
import { shortenPair } from './value-window.js';

export type HumanOptions = {
  /** ANSI colours; the command passes whether stdout is a terminal (and NO_COLOR is unset). */
  readonly color: boolean;
  /** At most this many changes per section and element details per change; the rest is counted. Default: all. */
  readonly limit?: number;
};

type Paint = (code: number, text: string) => string;

const KIND_MARK: Record<ChangeKind, string> = { added: '+', removed: '-', changed: '~', renamed: '→' };
const KIND_COLOR: Record<ChangeKind, number> = { added: 32, removed: 31, changed: 33, renamed: 36 };
const BOLD = 1;
const DIM = 2;
const RED = 31;
const YELLOW = 33;

/**
 * The terminal summary of a diff: the two sources, counts per type, then the changes grouped by kind with their
 * element details (path: before → after), what cannot be deleted, and the files that were not compared.
 * On a region-aware diff it leads with the unexplained drift.
 */
export function renderHuman(result: DiffResult, options: HumanOptions): string {
  const paint: Paint = options.color ? (code, text): string => `\u001b[${code}m${text}\u001b[${code === BOLD || code === DIM ? 22 : 39}m` : (_code, text): string => text;
  const limit = options.limit && options.limit > 0 ? options.limit : Number.POSITIVE_INFINITY;
  const lines: string[] = [];

  lines.push(paint(BOLD, messages.getMessage('human.Header', [result.from.spec, result.to.spec])));
  lines.push(paint(DIM, `  ${messages.getMessage('human.Source', ['from', result.from.label])}`));
  lines.push(paint(DIM, `  ${messages.getMessage('human.Source', ['to', result.to.label])}`));
  lines.push(paint(DIM, `  ${messages.getMessage('human.ApiVersion', [result.apiVersion])}`));
  lines.push('');

  const classified = classificationCounts(result.changes);
  if (classified) {
    const drift = messages.getMessage('human.Drift', [classified.drift, classified.overlay, classified['region-owned'], classified['not-promoted']]);
    lines.push(paint(BOLD, classified.drift ? paint(RED, drift) : drift), '');
  }

  if (result.summary.total === 0) {
    lines.push(messages.getMessage('human.NoDifferences'));
  } else {
    lines.push(...countsTable(result, paint), '');
    const drift = result.changes.filter((change) => change.classification === 'drift');
    if (drift.length) {
      lines.push(paint(BOLD, paint(RED, `${messages.getMessage('human.DriftSection')} (${drift.length})`)));
      lines.push(...section(drift, limit, paint), '');
    }
    for (const kind of KIND_ORDER) {
      const changes = ofKind(result.changes, kind).filter((change) => change.classification !== 'drift');
      if (!changes.length) continue;
      lines.push(paint(BOLD, paint(KIND_COLOR[kind], `${messages.getMessage(`kind.${kind}`)} (${changes.length})`)));
      lines.push(...section(changes, limit, paint), '');
    }
  }

  if (result.notDeletable.length) {
    lines.push(paint(BOLD, paint(YELLOW, `${messages.getMessage('human.NotDeletable')} (${result.notDeletable.length})`)));
    lines.push(...listed(result.notDeletable, limit, (entry) => [`  ${entry.type} ${entry.fullName}: ${paint(DIM, entry.reason)}`]));
    lines.push('');
  }
  if (result.unclassified.length) {
    lines.push(paint(BOLD, paint(YELLOW, `${messages.getMessage('human.Unclassified')} (${result.unclassified.length})`)));
    lines.push(...listed(result.unclassified, limit, (file) => [`  ${paint(YELLOW, '!')} ${file.path}: ${paint(DIM, file.reason)}`]));
    lines.push('');
  }
  if (result.manifests) {
    lines.push(messages.getMessage('human.Written', [result.manifests.files.length, result.manifests.outputDir]));
    for (const file of result.manifests.files) lines.push(`  ${file}`);
  }
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

function countsTable(result: DiffResult, paint: Paint): string[] {
  const total = messages.getMessage('human.TotalRow');
  const typeHeader = messages.getMessage('human.TypeColumn');
  const types = Object.keys(result.summary.byType);
  const width = Math.max(typeHeader.length, total.length, ...types.map((type) => type.length));
  const headers = KIND_ORDER.map((kind) => messages.getMessage(`kind.${kind}`));
  const widths = headers.map((header) => Math.max(header.length, 5));
  const row = (name: string, counts: KindCounts): string =>
    `  ${name.padEnd(width)}  ${KIND_ORDER.map((kind, i) => {
      const cell = String(counts[kind]).padStart(widths[i]);
      return counts[kind] ? paint(KIND_COLOR[kind], cell) : paint(DIM, cell);
    }).join('  ')}`;
  return [
    paint(BOLD, `  ${typeHeader.padEnd(width)}  ${headers.map((header, i) => header.padStart(widths[i])).join('  ')}`),
    ...types.map((type) => row(type, result.summary.byType[type])),
    paint(BOLD, row(total, result.summary)),
  ];
}

function section(changes: readonly Change[], limit: number, paint: Paint): string[] {
  return listed(changes, limit, (change) => changeLines(change, limit, paint));
}

function changeLines(change: Change, limit: number, paint: Paint): string[] {
  const color = KIND_COLOR[change.kind];
  const tag = change.classification ? ` ${paint(DIM, `[${messages.getMessage(`classification.${change.classification}`)}]`)}` : '';
  const lines = [`  ${paint(color, KIND_MARK[change.kind])} ${change.type} ${paint(BOLD, change.fullName)}${tag}`];
  if (change.kind === 'renamed' && change.fromPaths?.length && change.toPaths?.length) {
    lines.push(`      ${paint(DIM, `${change.fromPaths[0]} → ${change.toPaths[0]}`)}`);
  }
  if (change.formattingOnly) lines.push(`      ${paint(DIM, `(${messages.getMessage('human.FormattingOnly')})`)}`);
  const details: string[] = [...change.elements.map((element) => elementLine(element, paint)), ...fileChangesOf(change).map((file) => `${paint(KIND_COLOR[file.kind], KIND_MARK[file.kind])} ${file.path}`)];
  lines.push(...listed(details, limit, (detail) => [`      ${detail}`], '      '));
  return lines;
}

function elementLine(element: ElementChange, paint: Paint): string {
  const mark = paint(KIND_COLOR[element.kind], KIND_MARK[element.kind]);
  if (element.kind === 'added') return `${mark} ${element.path}: ${paint(KIND_COLOR.added, shorten(element.after ?? ''))}`;
  if (element.kind === 'removed') return `${mark} ${element.path}: ${paint(KIND_COLOR.removed, shorten(element.before ?? ''))}`;
  const [before, after] = shortenPair(element.before ?? '', element.after ?? '');
  return `${mark} ${element.path}: ${paint(KIND_COLOR.removed, before)} → ${paint(KIND_COLOR.added, after)}`;
}

/** The lines of the first `limit` items, then one "… and N more" line for the rest. */
function listed<T>(items: readonly T[], limit: number, render: (item: T) => string[], indent = '  '): string[] {
  const lines = items.slice(0, limit).flatMap(render);
  if (items.length > limit) lines.push(`${indent}${messages.getMessage('human.More', [items.length - limit])}`);
  return lines;
}
