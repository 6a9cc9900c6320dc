import type { CheckResult } from './result.js';
import { checkMessages as messages } from './messages.js';
import type { Finding, Severity } from './types.js';

export type RenderOptions = { readonly color?: boolean };

const COLORS: Readonly<Record<Severity | 'accepted', string>> = { error: '\u001b[31m', warn: '\u001b[33m', info: '\u001b[36m', accepted: '\u001b[90m' };
const RESET = '\u001b[0m';
const BOLD = '\u001b[1m';

function where(finding: Finding): string {
  if (!finding.path) return finding.component ?? '';
  return `${finding.path}${finding.line ? `:${finding.line}${finding.column ? `:${finding.column}` : ''}` : ''}`;
}

/** The terminal report: findings grouped by severity (errors first), each with its fix, then the summary. */
export function renderCheck(result: CheckResult, options: RenderOptions = {}): string {
  const paint = (kind: Severity | 'accepted', text: string): string => (options.color ? `${COLORS[kind]}${text}${RESET}` : text);
  const bold = (text: string): string => (options.color ? `${BOLD}${text}${RESET}` : text);
  const lines: string[] = [];
  const how = result.raw ? messages.getMessage('report.Raw') : result.overlay ? messages.getMessage('report.Overlaid', [result.overlay]) : messages.getMessage('report.NoOverlay');
  lines.push(bold(messages.getMessage('report.Title', [result.region, result.bound, result.stage ? `, stage ${result.stage}` : '', how])), '');
  const block = (finding: Finding, kind: Severity | 'accepted', extra?: string): void => {
    lines.push(`  ${paint(kind, finding.rule)}  ${where(finding)}`);
    lines.push(`    ${finding.message}`);
    if (extra) lines.push(`    ${extra}`);
    if (finding.fix && kind !== 'accepted') {
      lines.push(`    ${messages.getMessage('report.Fix', [finding.fix.text])}`);
      if (finding.fix.snippet) {
        if (finding.fix.snippetFile) lines.push(`    ${messages.getMessage('report.Paste', [finding.fix.snippetFile])}`);
        for (const line of finding.fix.snippet.split('\n')) lines.push(`      ${line}`);
      }
    }
    lines.push('');
  };
  for (const severity of ['error', 'warn', 'info'] as const) {
    const group = result.findings.filter((finding) => finding.severity === severity);
    if (!group.length) continue;
    lines.push(bold(paint(severity, `${messages.getMessage(`report.Heading.${severity}`)} (${group.length})`)));
    for (const finding of group) block(finding, severity);
  }
  if (result.accepted.length) {
    lines.push(bold(paint('accepted', `${messages.getMessage('report.Heading.accepted')} (${result.accepted.length})`)));
    for (const finding of result.accepted) block(finding, 'accepted', messages.getMessage('report.AcceptedReason', [finding.reason]));
  }
  if (result.staleAcceptances.length) {
    lines.push(bold(messages.getMessage('report.Stale')));
    for (const stale of result.staleAcceptances) lines.push(`  ${stale.rule}  ${stale.target}  (${stale.reason})`);
    lines.push('');
  }
  for (const rule of result.rules.filter((candidate) => candidate.status === 'not-run')) {
    lines.push(messages.getMessage('report.NotRun', [rule.id, rule.reason ?? '']));
  }
  if (!result.findings.length) lines.push(messages.getMessage('report.Clean'));
  const { summary } = result;
  lines.push(messages.getMessage('report.Summary', [summary.error, summary.warn, summary.info, summary.accepted, summary.components, summary.filesScanned]));
  return lines.join('\n');
}
