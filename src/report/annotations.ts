import type { Finding, Severity } from '../checks/types.js';
import { inRepository } from './repository-path.js';

const COMMAND: Readonly<Record<Severity, string>> = { error: 'error', warn: 'warning', info: 'notice' };

/** Escapes a workflow command's message (GitHub Actions toolkit rules). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command's property value. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * One GitHub workflow command per finding: `::error file=…,line=…,col=…,title=CN-HOST-01::message`. GitHub resolves
 * `file` from the repository's top: `projectPath` is the project folder's place there (projectPathInRepository).
 */
export function toAnnotations(findings: readonly Finding[], projectPath = ''): string[] {
  return findings.map((finding) => {
    const properties = [
      ...(finding.path ? [`file=${escapeProperty(inRepository(projectPath, finding.path))}`] : []),
      ...(finding.path && finding.line ? [`line=${finding.line}`] : []),
      ...(finding.path && finding.column ? [`col=${finding.column}`] : []),
      `title=${escapeProperty(finding.rule)}`,
    ];
    const fix = finding.fix ? `\nFix: ${finding.fix.text}${finding.fix.snippet ? `\n${finding.fix.snippet}` : ''}` : '';
    return `::${COMMAND[finding.severity]} ${properties.join(',')}::${escapeData(`${finding.message}${fix}`)}`;
  });
}
