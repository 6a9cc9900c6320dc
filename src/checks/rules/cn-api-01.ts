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
  const pinned = context.snapshot.apiVersion;
  // The version the run pins is suggested unless it is itself one this rule flags (a source pinned to 39.0).
  const target = context.org && Number(version) > Number(context.org.maxApiVersion) ? context.org.maxApiVersion : apiVersionProblem(Number(pinned), context) ? undefined : pinned;
  emit({
    ...at,
    message: `${what} uses API version ${version}, ${problem.why}.`,
    severity: problem.severity,
    fix: textFix(
      target
        ? `Set the API version to ${target} (or another version ≥ 41.0 that the China org serves) and run the tests.`
        : 'Set the API version to a version ≥ 41.0 that the China org serves and run the tests.'
    ),
  });
}

/** CN-API-01: API versions the China org will not take. */
const rule: Rule = {
  id: 'CN-API-01',
  title: 'API version retired, unsupported, or above the org',
  help:
    "The China org follows the global API floor: versions 21–30 are retired (error), 31–40 are unsupported from Summer '27 (warn). With --target-org, versions above the org's highest are errors. " +
    "Checked in every -meta.xml apiVersion and in the sourceApiVersion of the source's sfdx-project.json (a git ref's or another project folder's own, else the project's).",
  defaultSeverity: 'warn',
  bound: ['china', 'global'],
  check(context, emit) {
    const file = context.sourceProject;
    if (file) {
      const at = lineMatching(file.text, /"sourceApiVersion"/);
      finding(context, file.sourceApiVersion.split('.')[0], `${file.path} sourceApiVersion`, { path: file.path, projectPath: true, line: at?.line, column: at?.column }, emit);
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
