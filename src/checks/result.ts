import type { AcceptedFinding, RuleSeverity } from '../pipeline/config.js';
import type { AcceptedResult } from './settings.js';
import type { Bound, Finding, Severity } from './types.js';

export type RuleStatus = 'ran' | 'off' | 'not-run' | 'other-region';

export type RuleSummary = {
  readonly id: string;
  readonly title: string;
  readonly help: string;
  readonly defaultSeverity: Severity;
  /** Configured severity (federate.yml), or the default. */
  readonly severity: RuleSeverity;
  readonly status: RuleStatus;
  /** Why the rule did not run (needs --target-org, needs a promotion…). */
  readonly reason?: string;
};

/** The --json result of `sf federate check` (schemas/check-result.schema.json). */
export type CheckResult = {
  readonly region: string;
  readonly bound: Bound;
  readonly stage?: string;
  /** The rules ran on the base snapshot (--raw), not on the overlaid one. */
  readonly raw: boolean;
  readonly source: { readonly spec: string; readonly label: string };
  /** overlay.yml applied before the check, project-relative. */
  readonly overlay?: string;
  readonly targetOrg?: { readonly label: string; readonly maxApiVersion: string };
  readonly apiVersion: string;
  readonly summary: {
    readonly error: number;
    readonly warn: number;
    readonly info: number;
    readonly accepted: number;
    readonly staleAcceptances: number;
    readonly components: number;
    readonly filesScanned: number;
  };
  /** Findings that remain, errors first. */
  readonly findings: readonly Finding[];
  readonly accepted: readonly AcceptedResult[];
  readonly staleAcceptances: readonly AcceptedFinding[];
  readonly rules: readonly RuleSummary[];
  readonly warnings: readonly string[];
  /** 1 when an error-level finding remains, else 0. */
  readonly exitCode: 0 | 1;
};
