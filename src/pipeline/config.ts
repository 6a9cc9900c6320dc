import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Messages } from '@salesforce/core/messages';
import { ExitCode } from '../exit-codes.js';
import { formatProblems, lineOf, parseYamlText, validateYaml, type YamlFile, type YamlProblem } from './yaml-file.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-federate', 'config');

export const CONFIG_FILE = 'federate.yml';

/** Severity a readiness rule is configured to; `off` disables it. */
export type RuleSeverity = 'off' | 'info' | 'warn' | 'error';

/** A finding accepted on purpose: the rule, what it is about (component key or path glob), and why. */
export type AcceptedFinding = { readonly rule: string; readonly target: string; readonly reason: string };

/** A region's readiness-check settings (read by src/checks). */
export type RegionChecks = {
  /** Rule catalog, e.g. `china`. */
  readonly catalog?: string;
  readonly rules: Readonly<Record<string, RuleSeverity>>;
  /** Hosts (or `*.suffix`) endpoints may point at without a cross-border finding. */
  readonly allowHosts: readonly string[];
  /** Namespaces installed in the region's org. */
  readonly installedPackages: readonly string[];
  readonly accept: readonly AcceptedFinding[];
};

export type RegionConfig = {
  /** The region this one starts from (`global`). */
  readonly base?: string;
  /** Overlay folder, relative to the project. */
  readonly overlay?: string;
  readonly checks?: RegionChecks;
  /** Path globs (project-relative) or component keys/globs the region owns. */
  readonly owns: readonly string[];
};

export type TestLevel = 'NoTestRun' | 'RunSpecifiedTests' | 'RunLocalTests' | 'RunAllTestsInOrg' | 'RunRelevantTests';

export type Hooks = Readonly<Record<string, string | readonly string[]>>;

export type StageConfig = {
  readonly branch: string;
  readonly org: string;
  readonly region: string;
  readonly from?: string;
  readonly testLevel?: TestLevel;
  readonly tests?: readonly string[];
  readonly instanceUrl?: string;
  readonly hooks?: Hooks;
};

export type FederateConfig = {
  /** Absolute path of federate.yml. */
  readonly file: string;
  /** The project folder holding it. */
  readonly dir: string;
  /** Normalised to "NN.0". */
  readonly apiVersion?: string;
  readonly regions: Readonly<Record<string, RegionConfig>>;
  readonly stages: Readonly<Record<string, StageConfig>>;
  readonly hooks?: Hooks;
  /** Line (1-based) of each region and stage in the file, for messages of those who use them. */
  readonly lines: { readonly regions: Readonly<Record<string, number>>; readonly stages: Readonly<Record<string, number>> };
};

type RawChecks = { catalog?: string; rules?: Record<string, RuleSeverity>; allowHosts?: string[]; installedPackages?: string[]; accept?: AcceptedFinding[] };
type RawRegion = { base?: string; overlay?: string; checks?: string | RawChecks; owns?: string[] } | null;
type RawConfig = { apiVersion?: string | number; regions: Record<string, RawRegion>; stages?: Record<string, StageConfig>; hooks?: Hooks };

/** Reads `<projectDir>/federate.yml`; undefined when there is none. Invalid files throw one error listing every problem with its line. */
export async function loadFederateConfig(projectDir: string): Promise<FederateConfig | undefined> {
  const file = join(projectDir, CONFIG_FILE);
  if (!existsSync(file)) return undefined;
  return parseFederateConfig(await readFile(file, 'utf8'), file, projectDir);
}

/** Parses and validates the text of a federate.yml. */
export function parseFederateConfig(text: string, file: string, projectDir: string): FederateConfig {
  const parsed = parseYamlText(text, file);
  if (!parsed.yaml) throw invalid(file, parsed.problems);
  const yaml = parsed.yaml;
  if (yaml.value === null || typeof yaml.value !== 'object' || Array.isArray(yaml.value)) {
    throw invalid(file, [{ line: 1, message: 'the file must be a mapping with at least `regions`' }]);
  }
  const problems = validateYaml(yaml, 'federate.schema.json');
  if (problems.length) throw invalid(file, problems);
  const raw = yaml.value as RawConfig;
  const semantic = checkReferences(raw, yaml);
  if (semantic.length) throw invalid(file, semantic);

  const regions: Record<string, RegionConfig> = {};
  const regionLines: Record<string, number> = {};
  for (const [name, region] of Object.entries(raw.regions)) {
    regions[name] = {
      base: region?.base,
      overlay: region?.overlay,
      checks: normaliseChecks(region?.checks),
      owns: region?.owns ?? [],
    };
    regionLines[name] = lineOf(yaml, ['regions', name], true) ?? 1;
  }
  const stages: Record<string, StageConfig> = {};
  const stageLines: Record<string, number> = {};
  for (const [name, stage] of Object.entries(raw.stages ?? {})) {
    stages[name] = stage;
    stageLines[name] = lineOf(yaml, ['stages', name], true) ?? 1;
  }
  const apiVersion = raw.apiVersion === undefined ? undefined : String(raw.apiVersion).includes('.') ? String(raw.apiVersion) : `${raw.apiVersion}.0`;
  return { file, dir: projectDir, apiVersion, regions, stages, hooks: raw.hooks, lines: { regions: regionLines, stages: stageLines } };
}

function normaliseChecks(checks: string | RawChecks | undefined): RegionChecks | undefined {
  if (checks === undefined) return undefined;
  if (typeof checks === 'string') return { catalog: checks, rules: {}, allowHosts: [], installedPackages: [], accept: [] };
  return {
    catalog: checks.catalog,
    rules: checks.rules ?? {},
    allowHosts: checks.allowHosts ?? [],
    installedPackages: checks.installedPackages ?? [],
    accept: checks.accept ?? [],
  };
}

/** References between regions and stages: unknown names and cycles. */
function checkReferences(raw: RawConfig, yaml: YamlFile): YamlProblem[] {
  const problems: YamlProblem[] = [];
  const regionNames = Object.keys(raw.regions);
  for (const [name, region] of Object.entries(raw.regions)) {
    if (region?.base !== undefined && !(region.base in raw.regions)) {
      problems.push({ line: lineOf(yaml, ['regions', name, 'base']), message: `regions.${name}.base: unknown region "${region.base}" (known: ${regionNames.join(', ')})` });
    }
  }
  const stages = raw.stages ?? {};
  const stageNames = Object.keys(stages);
  for (const [name, stage] of Object.entries(stages)) {
    if (!(stage.region in raw.regions)) {
      problems.push({ line: lineOf(yaml, ['stages', name, 'region']), message: `stages.${name}.region: unknown region "${stage.region}" (known: ${regionNames.join(', ')})` });
    }
    if (stage.from !== undefined && !(stage.from in stages)) {
      problems.push({ line: lineOf(yaml, ['stages', name, 'from']), message: `stages.${name}.from: unknown stage "${stage.from}" (known: ${stageNames.join(', ')})` });
    }
    if (stage.testLevel === 'RunSpecifiedTests' && !stage.tests?.length) {
      problems.push({ line: lineOf(yaml, ['stages', name, 'testLevel']), message: `stages.${name}: testLevel RunSpecifiedTests needs a non-empty "tests" list` });
    }
  }
  if (problems.length) return problems;
  const cycle = (section: 'regions' | 'stages', field: 'base' | 'from', next: (name: string) => string | undefined, names: string[]): void => {
    for (const start of names) {
      const seen = [start];
      for (let at = next(start); at !== undefined; at = next(at)) {
        if (at === start) {
          problems.push({ line: lineOf(yaml, [section, start, field]), message: `${section}.${start}.${field}: cycle ${[...seen, start].join(' → ')}` });
          break;
        }
        if (seen.includes(at)) break;
        seen.push(at);
      }
    }
  };
  cycle('regions', 'base', (name) => raw.regions[name]?.base ?? undefined, regionNames);
  cycle('stages', 'from', (name) => stages[name]?.from, stageNames);
  return problems;
}

function invalid(file: string, problems: readonly YamlProblem[]): Error {
  return messages.createError('error.InvalidConfig', [file, formatProblems(file, problems)], [], ExitCode.BadInput);
}

/** The region a command names, or a clear error listing the known ones. */
export function requireRegion(config: FederateConfig, name: string): RegionConfig & { readonly name: string } {
  const region = config.regions[name];
  if (!region) throw messages.createError('error.UnknownRegion', [name, config.file], [Object.keys(config.regions).join(', ')], ExitCode.BadInput);
  return { ...region, name };
}

/** federate.yml, or a clear error when the project has none. */
export async function requireFederateConfig(projectDir: string): Promise<FederateConfig> {
  const config = await loadFederateConfig(projectDir);
  if (!config) throw messages.createError('error.NoConfig', [projectDir], [], ExitCode.BadInput);
  return config;
}
