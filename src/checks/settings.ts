import picomatch from 'picomatch';
import { ExitCode } from '../exit-codes.js';
import type { AcceptedFinding, RegionChecks } from '../pipeline/config.js';
import { checkMessages as messages } from './messages.js';
import type { Finding, Rule } from './types.js';

export type AcceptedResult = Finding & { readonly reason: string; readonly acceptedBy: { readonly rule: string; readonly target: string } };

export type SettledFindings = {
  /** Findings that remain (not accepted). */
  readonly findings: readonly Finding[];
  readonly accepted: readonly AcceptedResult[];
  /** Acceptances of rules that ran which matched no finding. */
  readonly staleAcceptances: readonly AcceptedFinding[];
};

/** Refuses rule ids the catalog does not have, in `rules:` and in `accept:`, naming each. */
export function validateRuleIds(settings: RegionChecks | undefined, rules: readonly Rule[], where: string): void {
  if (!settings) return;
  const known = new Set(rules.map((rule) => rule.id));
  const unknown = [...Object.keys(settings.rules), ...settings.accept.map((entry) => entry.rule)].filter((id) => !known.has(id));
  if (unknown.length) {
    throw messages.createError('error.UnknownRule', [[...new Set(unknown)].join(', '), where], [[...known].join(', ')], ExitCode.BadInput);
  }
}

/** Whether an acceptance's target (component key glob or path glob) names a finding. */
export function acceptanceMatches(entry: AcceptedFinding, finding: Finding): boolean {
  if (entry.rule !== finding.rule) return false;
  const matches = picomatch(entry.target, { dot: true });
  return (finding.component !== undefined && (finding.component === entry.target || matches(finding.component))) || (finding.path !== undefined && (finding.path === entry.target || matches(finding.path)));
}

/** Splits findings into remaining and accepted, and reports acceptances that matched nothing among the rules that ran. */
export function settleFindings(findings: readonly Finding[], accept: readonly AcceptedFinding[], ran: ReadonlySet<string>): SettledFindings {
  const remaining: Finding[] = [];
  const accepted: AcceptedResult[] = [];
  const used = new Set<AcceptedFinding>();
  for (const finding of findings) {
    const entry = accept.find((candidate) => acceptanceMatches(candidate, finding));
    if (entry) {
      used.add(entry);
      accepted.push({ ...finding, reason: entry.reason, acceptedBy: { rule: entry.rule, target: entry.target } });
    } else {
      remaining.push(finding);
    }
  }
  const staleAcceptances = accept.filter((entry) => !used.has(entry) && ran.has(entry.rule));
  return { findings: remaining, accepted, staleAcceptances };
}
