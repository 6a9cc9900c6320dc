import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { CheckResult } from '../checks/result.js';
import type { Finding, Severity } from '../checks/types.js';
import { inRepository } from './repository-path.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export type SarifOptions = {
  /** The plugin's version, shown by code scanning. */
  readonly toolVersion: string;
  readonly informationUri?: string;
  /** Location given to findings that have no file (environment findings): a project-relative path. */
  readonly fallbackPath?: string;
  /**
   * The project folder's path in its repository (projectPathInRepository): code scanning resolves a location from the
   * repository's top, findings name it from the project's.
   */
  readonly projectPath?: string;
};

const LEVEL: Readonly<Record<Severity, Result.level>> = { error: 'error', warn: 'warning', info: 'note' };

/**
 * A check result as SARIF 2.1.0: one run, the catalog as the driver's rules (id, title, help, default level),
 * one result per finding with a relative URI and its line/column; accepted findings are results with an external
 * suppression carrying the reason (GitHub code scanning shows them as dismissed).
 */
export function toSarif(result: CheckResult, options: SarifOptions): Log {
  const rules: ReportingDescriptor[] = result.rules.map((rule) => ({
    id: rule.id,
    name: rule.id.replace(/-/g, ''),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.help },
    help: { text: rule.help, markdown: `**${rule.id}** — ${rule.title}\n\n${rule.help}` },
    defaultConfiguration: { level: rule.severity === 'off' ? 'none' : LEVEL[rule.severity], enabled: rule.severity !== 'off' },
    properties: { tags: ['china-readiness', result.region] },
  }));
  const index = new Map(rules.map((rule, at) => [rule.id, at]));
  const toResult = (finding: Finding, suppression?: string): Result => {
    const uri = inRepository(options.projectPath ?? '', finding.path ?? options.fallbackPath ?? 'federate.yml');
    const fix = finding.fix ? `\nFix: ${finding.fix.text}${finding.fix.snippet ? `\n${finding.fix.snippetFile ? `${finding.fix.snippetFile}:\n` : ''}${finding.fix.snippet}` : ''}` : '';
    return {
      ruleId: finding.rule,
      ruleIndex: index.get(finding.rule),
      level: LEVEL[finding.severity],
      message: { text: `${finding.message}${fix}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: encodeURI(uri), uriBaseId: '%SRCROOT%' },
            region: { startLine: Math.max(1, finding.line ?? 1), ...(finding.column ? { startColumn: Math.max(1, finding.column) } : {}) },
          },
          ...(finding.component ? { logicalLocations: [{ fullyQualifiedName: finding.component, kind: 'object' }] } : {}),
        },
      ],
      partialFingerprints: { 'sfFederate/v1': `${finding.rule}|${finding.component ?? ''}|${finding.path ?? ''}|${finding.message}` },
      ...(suppression !== undefined ? { suppressions: [{ kind: 'external', status: 'accepted', justification: suppression }] } : {}),
    };
  };
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'sf-federate',
            fullName: 'sf-federate China readiness checks',
            version: options.toolVersion,
            semanticVersion: options.toolVersion,
            informationUri: options.informationUri ?? 'https://github.com/sf-federate/sf-federate',
            rules,
          },
        },
        automationDetails: { id: `sf-federate/check/${result.region}${result.stage ? `/${result.stage}` : ''}/` },
        results: [...result.findings.map((finding) => toResult(finding)), ...result.accepted.map((finding) => toResult(finding, finding.reason))],
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
}
