import type { DiffResult, KindCounts } from '../compare/result.js';
import type { Change, ChangeKind, ElementChange } from '../compare/types.js';
import { KIND_ORDER, classificationCounts, fileChangesOf, ofKind, reportMessages as messages, shorten } from './format.js';
import { shortenPair } from './value-window.js';

export type MarkdownOptions = {
  /** At most this many table rows per type; the rest is counted. Keeps a PR comment under GitHub's 65,536 characters. */
  readonly maxRowsPerType?: number;
};

const DEFAULT_MAX_ROWS = 100;
const KIND_ICON: Record<ChangeKind, string> = { added: '🟢', removed: '🔴', changed: '🟡', renamed: '🔵' };

/**
 * A diff as GitHub-flavoured markdown for a PR comment or a step summary: a headline table of counts, a mermaid pie of
 * them, then one collapsible `<details>` per type whose element changes are a table. Values are code spans that survive
 * `|`, backticks and newlines.
 */
export function renderMarkdown(result: DiffResult, options: MarkdownOptions = {}): string {
  const maxRows = options.maxRowsPerType && options.maxRowsPerType > 0 ? options.maxRowsPerType : DEFAULT_MAX_ROWS;
  const out: string[] = [];
  out.push(`### ${messages.getMessage('markdown.Title', [code(result.from.spec), code(result.to.spec)])}`, '');

  const classified = classificationCounts(result.changes);
  if (classified) {
    out.push(`${classified.drift ? '⚠️ ' : ''}${messages.getMessage('markdown.Drift', [classified.drift, classified.overlay, classified['region-owned'], classified['not-promoted']])}`, '');
  }

  if (result.summary.total === 0) {
    out.push(messages.getMessage('markdown.NoDifferences'), '');
  } else {
    const headers = KIND_ORDER.map((kind) => messages.getMessage(`kind.${kind}`));
    out.push(`| ${messages.getMessage('human.TypeColumn')} | ${headers.join(' | ')} | ${messages.getMessage('human.TotalRow')} |`);
    out.push(`| --- | ${headers.map(() => '---:').join(' | ')} | ---: |`);
    out.push(countsRow(`**${messages.getMessage('markdown.All')}**`, result.summary, true));
    for (const [type, counts] of Object.entries(result.summary.byType)) out.push(countsRow(cell(type), counts, false));
    out.push('');

    const slices = KIND_ORDER.filter((kind) => result.summary[kind] > 0);
    out.push('```mermaid', `pie showData title ${messages.getMessage('markdown.PieTitle')}`);
    for (const kind of slices) out.push(`    "${messages.getMessage(`kind.${kind}`)}" : ${result.summary[kind]}`);
    out.push('```', '');

    for (const [type, counts] of Object.entries(result.summary.byType)) {
      const byKind = KIND_ORDER.flatMap((kind) => ofKind(result.changes, kind)).filter((change) => change.type === type);
      const changes = [...byKind.filter((change) => change.classification === 'drift'), ...byKind.filter((change) => change.classification !== 'drift')];
      const parts = KIND_ORDER.filter((kind) => counts[kind] > 0).map((kind) => `${counts[kind]} ${messages.getMessage(`kind.${kind}`).toLowerCase()}`);
      out.push('<details>', `<summary><b>${html(type)}</b>: ${parts.join(', ')}</summary>`, '');
      out.push(...changesTable(changes, maxRows, classified !== undefined));
      out.push('', '</details>', '');
    }
  }

  if (result.notDeletable.length) {
    out.push('<details>', `<summary>${messages.getMessage('markdown.NotDeletable', [result.notDeletable.length])}</summary>`, '');
    for (const entry of result.notDeletable) out.push(`- ${code(`${entry.type}:${entry.fullName}`)}: ${text(entry.reason)}`);
    out.push('', '</details>', '');
  }
  if (result.unclassified.length) {
    out.push('<details>', `<summary>⚠️ ${messages.getMessage('markdown.Unclassified', [result.unclassified.length])}</summary>`, '');
    for (const file of result.unclassified) out.push(`- ${code(file.path)}: ${text(file.reason)}`);
    out.push('', '</details>', '');
  }
  if (result.warnings.length) {
    out.push(`**${messages.getMessage('markdown.Warnings', [result.warnings.length])}**`, '');
    for (const warning of result.warnings) out.push(`- ${text(warning)}`);
    out.push('');
  }
  return out.join('\n').trimEnd() + '\n';
}

function countsRow(name: string, counts: KindCounts & { total?: number }, bold: boolean): string {
  const total = counts.total ?? KIND_ORDER.reduce((sum, kind) => sum + counts[kind], 0);
  const show = (value: number): string => (bold ? `**${value}**` : String(value));
  return `| ${name} | ${KIND_ORDER.map((kind) => show(counts[kind])).join(' | ')} | ${show(total)} |`;
}

function changesTable(changes: readonly Change[], maxRows: number, classified: boolean): string[] {
  const header = ['markdown.ChangeColumn', 'markdown.ComponentColumn', 'markdown.ElementColumn', 'markdown.BeforeColumn', 'markdown.AfterColumn'].map((key) => messages.getMessage(key));
  const rows: string[] = [];
  for (const change of changes) {
    const kind = `${KIND_ICON[change.kind]} ${messages.getMessage(`kind.${change.kind}`).toLowerCase()}${classified && change.classification ? ` (${messages.getMessage(`classification.${change.classification}`)})` : ''}`;
    const name = cell(change.fullName);
    const details: Array<[string, string, string]> = [
      // Each element and file carries its kind's icon, as a change does in the first column: an added or removed element
      // would otherwise be told only by an empty cell.
      ...change.elements.map((element): [string, string, string] => [`${KIND_ICON[element.kind]} ${cell(element.path)}`, valueCell(element, 'before'), valueCell(element, 'after')]),
      ...fileChangesOf(change).map((file): [string, string, string] => [`${KIND_ICON[file.kind]} ${cell(file.path)}`, '', '']),
    ];
    if (change.kind === 'renamed' && change.fromPaths?.length && change.toPaths?.length) details.unshift(['', cell(change.fromPaths[0]), cell(change.toPaths[0])]);
    if (!details.length) details.push(['', '', '']);
    details.forEach(([element, before, after], i) => rows.push(`| ${i === 0 ? kind : ''} | ${i === 0 ? name : ''} | ${element} | ${before} | ${after} |`));
  }
  const lines = [`| ${header.join(' | ')} |`, '| --- | --- | --- | --- | --- |', ...rows.slice(0, maxRows)];
  if (rows.length > maxRows) lines.push('', messages.getMessage('markdown.More', [rows.length - maxRows]));
  return lines;
}

function valueCell(element: ElementChange, side: 'before' | 'after'): string {
  const value = element[side];
  if (value === undefined) return '';
  // Both sides known: cut them together, so the part that differs shows in both cells.
  if (element.before !== undefined && element.after !== undefined) return cell(shortenPair(element.before, element.after)[side === 'before' ? 0 : 1]);
  return cell(shorten(value));
}

/** A table cell: a code span with `|` escaped (GitHub splits cells on it even inside code spans). */
function cell(value: string): string {
  return code(value).replace(/\|/g, '\\|');
}

/** A code span that holds any text: a fence longer than its longest backtick run, padded when it starts or ends with one. */
export function code(value: string): string {
  const line = value.replace(/[\r\n]+/g, ' ');
  if (!line) return '';
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = line.startsWith('`') || line.endsWith('`') || (line.startsWith(' ') && line.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}

/** Plain text in a list item or paragraph: markdown and HTML specials escaped, one line. */
function text(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').replace(/([\\`*_[\]<>|#])/g, '\\$1');
}

function html(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
