import { textFix } from '../fix.js';
import { lineMatching } from '../config-support.js';
import type { CheckContext, Emit, RawFinding, Rule, Severity } from '../types.js';

const API_VERSION = /<apiVersion>\s*(\d+)(?:\.(\d+))?\s*<\/apiVersion>/;

/** Retired (< 31), unsupported from Summer '27 (< 41), or above what the org serves. */
export function apiVersionProblem(version: number, context: CheckContext): { severity: Severity; why: string } | undefined {
  if (version < 31) return { severity: 'error', why: 'retired (versions 21–30 no longer work)' };
  if (context.org && version > Number(context.org.maxApiVersion)) {
    return { severity: 'error', why: `above the highest version ${context.org.label} serves (${context.org.maxApiVersion})` };
  }
  if (version < 41) return { severity: 'warn', why: "unsupported from Summer '27 (versions 31–40)" };
  return undefined;
}

function finding(context: CheckContext, version: string, what: string, at: Omit<RawFinding, 'message' | 'severity' | 'fix'>, emit: Emit): void {
  const problem = apiVersionProblem(Number(version), context);
  if (!problem) return;
  const target = context.org && Number(version) > Number(context.org.maxApiVersion) ? context.org.maxApiVersion : context.snapshot.apiVersion;
  emit({
    ...at,
    message: `${what} uses API version ${version}, ${problem.why}.`,
    severity: problem.severity,
    fix: textFix(`Set the API version to ${target} (or another version ≥ 41.0 that the China org serves) and run the tests.`),
  });
}

/** CN-API-01: API versions the China org will not take. */
const rule: Rule = {
  id: 'CN-API-01',
  title: 'API version retired, unsupported, or above the org',
  help:
    "The China org follows the global API floor: versions 21–30 are retired (error), 31–40 are unsupported from Summer '27 (warn). With --target-org, versions above the org's highest are errors. " +
    'Checked in every -meta.xml apiVersion and in sfdx-project.json sourceApiVersion.',
  defaultSeverity: 'warn',
  bound: ['china', 'global'],
  check(context, emit) {
    const source = context.project?.sourceApiVersion;
    if (source) {
      const at = lineMatching(context.projectText, /"sourceApiVersion"/);
      finding(context, source.split('.')[0], 'sfdx-project.json sourceApiVersion', { path: 'sfdx-project.json', projectPath: true, line: at?.line, column: at?.column }, emit);
    }
  },
  text: {
    kinds: 'all',
    scan(text, file, context, emit) {
      if (!file.isXml) return;
      const match = API_VERSION.exec(text);
      if (!match) return;
      const before = text.slice(0, match.index);
      const line = before.split('\n').length;
      const column = match.index - before.lastIndexOf('\n') + '<apiVersion>'.length;
      finding(context, match[1], file.component.key, { component: file.component.key, path: file.path, line, column }, emit);
    },
  },
};
export default rule;
