import { readFileSync, existsSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { gitBlobId } from '../metadata/hash.js';
import { ExitCode } from '../exit-codes.js';
import { atOwnApiVersion, resolveProject } from '../metadata/project-context.js';
import { registryFor } from '../metadata/registry.js';
import { parseSourceSpec, readSource } from '../metadata/sources/index.js';
import type { ComponentKey, ProgressListener, Snapshot } from '../metadata/types.js';
import { connect, identifyOrg } from '../metadata/org/connection.js';
import { applyOverlay, type ApplyResult } from '../overlay/apply.js';
import { FILES_DIR, loadOverlay } from '../overlay/load.js';
import { atProjectPaths } from '../overlay/project-folder.js';
import { checkOverlayStages } from '../overlay/stages.js';
import { overlaySecrets, redacted } from '../overlay/secrets.js';
import { CONFIG_FILE, loadFederateConfig, type FederateConfig, type RegionChecks } from '../pipeline/config.js';
import { regionBound } from './bound.js';
import { loadRules } from './catalog.js';
import { runRules } from './engine.js';
import { hostPolicy } from './hosts.js';
import type { RepositoryFile } from './locate.js';
import { checkMessages as messages } from './messages.js';
import { readOrgFacts } from './org-facts.js';
import type { CheckResult, RuleSummary } from './result.js';
import { settleFindings, validateRuleIds } from './settings.js';
import { checkXml, XmlScanError } from './xml-scan.js';
import type { Bound, CheckContext, OrgFacts, Rule } from './types.js';

export type CheckRequest = {
  /** Where the command runs; the project (sfdx-project.json, federate.yml) is found from here. */
  readonly cwd: string;
  readonly region: string;
  /** Source spec (`dir:force-app`, `git:main`, `org:alias`); the project folder by default. */
  readonly source?: string;
  readonly stage?: string;
  /** Check the base snapshot instead of the overlaid one. */
  readonly raw?: boolean;
  readonly apiVersion?: string;
  /** Org alias or username to ask for types, installed packages and API versions. */
  readonly targetOrg?: string;
  /** Facts of an org already asked (tests, promote); wins over targetOrg. */
  readonly orgFacts?: OrgFacts;
  /** Project-relative paths changed in a promotion (CN-OWN-01). */
  readonly changedPaths?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly onProgress?: ProgressListener;
};

/**
 * `sf federate check` as a service: read the source, apply the region's overlay (unless raw), ask the org when
 * given, run the catalog, then apply federate.yml's `checks` settings (severities, acceptances).
 */
export async function runCheck(request: CheckRequest): Promise<CheckResult> {
  const project = resolveProject(request.cwd, request.apiVersion);
  const warnings: string[] = [];
  const config = await loadFederateConfig(project.dir);
  const regionConfig = config?.regions[request.region];
  if (config && !regionConfig) {
    throw messages.createError('error.UnknownRegion', [request.region, config.file], [Object.keys(config.regions).join(', ')], ExitCode.BadInput);
  }
  const stage = request.stage ? stageOf(config, request.stage, request.region) : undefined;
  const rules = await loadRules();
  const settings: RegionChecks | undefined = regionConfig?.checks;
  validateRuleIds(settings, rules, config ? `${config.file} (regions.${request.region}.checks)` : CONFIG_FILE);

  const options = {
    apiVersion: project.apiVersion,
    projectDir: project.dir,
    onProgress: (event: Parameters<ProgressListener>[0]): void => {
      if (event.kind === 'warning') warnings.push(event.message);
      request.onProgress?.(event);
    },
  };
  // A source with its own sfdx-project.json (another project folder, a git ref) is checked at the version it pins, as
  // diff does: the suggested version in CN-API-01's fixes, the org's types, the result's apiVersion.
  const pinned = atOwnApiVersion(project, await readSource(parseSourceSpec(request.source ?? 'dir:.'), options));
  // A folder of the project (dir:pkg2) is checked at its place in the project, with only its part of files/, as overlay
  // apply builds it: the other package directories' files/ are not what deploying the folder sends.
  const { snapshot: base, folder } = atProjectPaths(pinned.snapshot, project.dir, project.project?.packageDirs ?? []);
  const apiVersion = base.apiVersion;
  warnings.unshift(...pinned.warnings);
  if (base.unclassified.length) {
    warnings.push(messages.getMessage('warning.Unclassified', [base.unclassified.length, base.unclassified.slice(0, 3).map((file) => file.path).join(', ')]));
  }

  const { checked, overlayFile, overlayFiles, secrets, unpatched } = await checkedSnapshot(base, config, request, project, folder);
  if (unpatched.length) warnings.push(messages.getMessage('warning.OverlayNotAppliedToMalformed', [unpatched.length, unpatched.join(', ')]));
  const ownOverlay = regionConfig?.overlay ? `${regionConfig.overlay.replace(/\/+$/, '')}/overlay.yml` : `overlays/${request.region}/overlay.yml`;

  const org = request.orgFacts ?? (request.targetOrg ? await askOrg(request.targetOrg, apiVersion, request.onProgress) : undefined);

  const { projectText, configText } = readConfigTexts(project, config);
  const installed = installedNamespaces(settings, org, base, projectText);
  const bound = regionBound(config, request.region);
  const pathPrefix = projectPrefixOf(checked, project.dir, folder);

  const engine = await runRules({
    rules,
    severities: settings?.rules,
    snapshot: checked,
    base: checked === base ? undefined : base,
    region: request.region,
    bound,
    stage,
    production: stage ? isProduction(config!, stage.name) : false,
    config,
    project: project.project,
    projectText,
    configText,
    sourceProject: sourceProjectOf(base, project, projectText, pathPrefix),
    deployedProject: deployedProjectOf(base, projectText, pathPrefix),
    hosts: hostPolicy(settings?.allowHosts),
    installedNamespaces: installed,
    org,
    overlayFile: ownOverlay,
    changedPaths: request.changedPaths,
    env: request.env ?? process.env,
    pathPrefix,
    overlayFiles,
    onProgress: request.onProgress,
  });

  const ran = new Set(engine.ran);
  const settled = settleFindings(engine.findings, settings?.accept ?? [], ran);
  const notRun = new Map(engine.notRun.map((entry) => [entry.rule, entry.reason]));
  const summaries: RuleSummary[] = rules.map((rule: Rule) => ruleSummary(rule, settings, bound, notRun));
  for (const stale of settled.staleAcceptances) warnings.push(messages.getMessage('warning.StaleAcceptance', [stale.rule, stale.target]));
  const count = (severity: string): number => settled.findings.filter((finding) => finding.severity === severity).length;
  const errors = count('error');
  // Findings quote the checked text, which holds what the overlay read from the environment: shown as the overlay writes it.
  return redacted<CheckResult>({
    region: request.region,
    bound,
    stage: stage?.name,
    raw: Boolean(request.raw),
    source: { spec: base.source.spec, label: base.source.label },
    overlay: overlayFile,
    targetOrg: org ? { label: org.label, maxApiVersion: org.maxApiVersion } : undefined,
    apiVersion,
    summary: {
      error: errors,
      warn: count('warn'),
      info: count('info'),
      accepted: settled.accepted.length,
      staleAcceptances: settled.staleAcceptances.length,
      components: checked.components.size,
      filesScanned: engine.filesScanned,
    },
    findings: settled.findings,
    accepted: settled.accepted,
    staleAcceptances: settled.staleAcceptances,
    rules: summaries,
    warnings,
    exitCode: errors > 0 ? 1 : 0,
  }, secrets);
}

type Project = ReturnType<typeof resolveProject>;

/** What the rules check: the base with the region's overlays applied, or the base itself with --raw or no federate.yml. */
async function checkedSnapshot(
  base: Snapshot,
  config: FederateConfig | undefined,
  request: CheckRequest,
  project: Project,
  within: string | undefined
): Promise<{ checked: Snapshot; overlayFile?: string; overlayFiles?: Map<string, RepositoryFile>; secrets: Map<string, string>; unpatched: ComponentKey[] }> {
  if (request.raw === true || !config) return { checked: base, secrets: new Map<string, string>(), unpatched: [] };
  return applyRegionOverlays(base, config, request, project, within);
}

/**
 * The overlays of the region's chain, in order, over the base; the project-relative overlay file of the region itself;
 * the overlays' files/ files by the snapshot path each wrote (a later overlay's over an earlier one's); and the
 * components whose malformed XML no overlay could be applied to (applyAroundMalformed).
 */
async function applyRegionOverlays(
  base: Snapshot,
  config: FederateConfig,
  request: CheckRequest,
  project: Project,
  within: string | undefined
): Promise<{ checked: Snapshot; overlayFile: string | undefined; overlayFiles: Map<string, RepositoryFile>; secrets: Map<string, string>; unpatched: ComponentKey[] }> {
  let checked = base;
  let overlayFile: string | undefined;
  const overlayFiles = new Map<string, RepositoryFile>();
  const secrets = new Map<string, string>();
  const unpatched: ComponentKey[] = [];
  for (const name of regionChain(config, request.region)) {
    const overlayDir = config.regions[name]?.overlay;
    if (!overlayDir) continue;
    request.onProgress?.({ kind: 'phase', message: messages.getMessage('info.ApplyingOverlay', [overlayDir]) });
    // eslint-disable-next-line no-await-in-loop -- each overlay applies over the result of the previous one
    const overlay = await loadOverlay(join(project.dir, overlayDir), { packageDirs: project.project?.packageDirs });
    checkOverlayStages(config, overlay);
    const options = { stage: request.stage, env: request.env, registry: registryFor(project.hasProjectFile ? project.dir : undefined), within };
    // eslint-disable-next-line no-await-in-loop -- each overlay applies over the result of the previous one
    const applied = await applyAroundMalformed(checked, (snapshot) => applyOverlay(snapshot, overlay, options), unpatched);
    checked = applied.snapshot;
    for (const [path, file] of repositoryFilesOf(applied, join(project.dir, overlayDir), project.dir, name === request.region)) overlayFiles.set(path, file);
    for (const [secret, shownAs] of overlaySecrets(overlay, request.env ?? process.env)) secrets.set(secret, shownAs);
    if (name === request.region) overlayFile = relative(project.dir, overlay.file).split('\\').join('/');
  }
  return { checked, overlayFile, overlayFiles, secrets, unpatched };
}

/**
 * Applies an overlay; should that fail while the base holds metadata XML that is not well-formed (a rule that patches
 * such a file cannot), applies it again without those components and puts them back as they are, their keys added
 * to `unpatched`. The check then reports each file as CN-XML-01 at its line and column, with every other finding,
 * rather than stopping at the overlay. Nothing is scanned unless the overlay fails.
 */
async function applyAroundMalformed(base: Snapshot, apply: (snapshot: Snapshot) => Promise<ApplyResult>, unpatched: ComponentKey[]): Promise<ApplyResult> {
  try {
    return await apply(base);
  } catch (error) {
    const malformed = await malformedComponents(base);
    if (!malformed.length) throw error;
    const without = new Map(base.components);
    for (const key of malformed) without.delete(key);
    const applied = await apply({ ...base, components: without });
    const components = new Map(applied.snapshot.components);
    for (const key of malformed) if (!components.has(key)) components.set(key, base.components.get(key)!);
    unpatched.push(...malformed.filter((key) => !unpatched.includes(key)));
    return { ...applied, snapshot: { ...applied.snapshot, components } };
  }
}

/** The components whose own XML file is not well-formed. */
async function malformedComponents(snapshot: Snapshot): Promise<ComponentKey[]> {
  const keys: ComponentKey[] = [];
  for (const [key, component] of snapshot.components) {
    if (!component.xml) continue;
    try {
      // eslint-disable-next-line no-await-in-loop -- only after an overlay failed: one file at a time keeps memory flat
      checkXml((await component.xml.read()).toString('utf8'), component.xml.path);
    } catch (error) {
      if (error instanceof XmlScanError) keys.push(key);
    }
  }
  return keys;
}

/** The files/ files an overlay wrote, as the repository holds them (overlays/china/files/force-app/…), by snapshot path. */
function repositoryFilesOf(applied: ApplyResult, overlayDir: string, projectDir: string, inRegionOverlay: boolean): Array<[string, RepositoryFile]> {
  return [...applied.filesByPath].map(([path, file]) => [
    path,
    {
      path: relative(projectDir, join(overlayDir, FILES_DIR, file.path)).split('\\').join('/'),
      hash: gitBlobId(file.bytes),
      read: () => Promise.resolve(file.bytes),
      inRegionOverlay,
    },
  ]);
}

/** The texts of sfdx-project.json and federate.yml, for rules that point at a line of them. */
function readConfigTexts(project: Project, config: FederateConfig | undefined): { projectText: string | undefined; configText: string | undefined } {
  const projectText = project.hasProjectFile ? readFileSync(join(project.dir, 'sfdx-project.json'), 'utf8') : undefined;
  const configText = config && existsSync(config.file) ? readFileSync(config.file, 'utf8') : undefined;
  return { projectText, configText };
}

/**
 * The sfdx-project.json the source pins its API version in: its own (a git ref's, another project folder's, at the
 * source's place in the project) when it sets one, else the project's. A ref is judged by what it pins, not by the
 * working tree's file.
 */
function sourceProjectOf(base: Snapshot, project: Project, projectText: string | undefined, pathPrefix: string): CheckContext['sourceProject'] {
  if (base.projectApiVersion) return { path: posix.join(pathPrefix, 'sfdx-project.json'), sourceApiVersion: base.projectApiVersion, text: base.projectText };
  const own = project.project?.sourceApiVersion;
  return own ? { path: 'sfdx-project.json', sourceApiVersion: own, text: projectText } : undefined;
}

/**
 * The sfdx-project.json the source is deployed with, whatever it sets: its own or its project's as the source has it (a
 * git ref's), else the one of the project the command runs in. Unreadable JSON has no settings (the commands that
 * need the file report it).
 */
function deployedProjectOf(base: Snapshot, projectText: string | undefined, pathPrefix: string): CheckContext['deployedProject'] {
  const [path, text] = base.projectText !== undefined ? [posix.join(pathPrefix, 'sfdx-project.json'), base.projectText] : ['sfdx-project.json', projectText];
  if (text === undefined) return undefined;
  let sfdcLoginUrl: unknown;
  try {
    sfdcLoginUrl = (JSON.parse(text) as { sfdcLoginUrl?: unknown }).sfdcLoginUrl;
  } catch {
    sfdcLoginUrl = undefined;
  }
  return { path, text, ...(typeof sfdcLoginUrl === 'string' ? { sfdcLoginUrl } : {}) };
}

/**
 * Where a folder snapshot sits relative to the project (`../other`); `''` for other sources, and for a folder of the
 * project whose paths atProjectPaths made project-relative already.
 */
function projectPrefixOf(snapshot: Snapshot, projectDir: string, projectFolder: string | undefined): string {
  return snapshot.source.kind === 'dir' && projectFolder === undefined ? relative(projectDir, snapshot.source.label).split('\\').join('/') : '';
}

/**
 * Namespaces installed in the org (federate.yml's installedPackages, the org's packages) and the checked source's own,
 * lower case. The source's own namespace is that of the sfdx-project.json it is deployed with (another project
 * folder's, a ref's), not that of the project the command runs in (`projectText`), which is only the fallback.
 */
function installedNamespaces(settings: RegionChecks | undefined, org: OrgFacts | undefined, base: Snapshot, projectText: string | undefined): Set<string> {
  const installed = new Set<string>([...(settings?.installedPackages ?? []), ...(org?.namespaces ?? [])].map((name) => name.toLowerCase()));
  const sourceProjectText = base.projectText ?? projectText;
  const projectNamespace = sourceProjectText ? namespaceOf(sourceProjectText) : undefined;
  if (projectNamespace) installed.add(projectNamespace.toLowerCase());
  return installed;
}

/** Asks the org for the facts rules need (types, installed packages, API versions). */
async function askOrg(targetOrg: string, apiVersion: string, onProgress: ProgressListener | undefined): Promise<OrgFacts> {
  onProgress?.({ kind: 'phase', message: messages.getMessage('info.AskingOrg', [targetOrg]) });
  const { identity, authInfo } = await identifyOrg(targetOrg);
  return readOrgFacts(await connect(authInfo, apiVersion), identity.label);
}

function ruleSummary(rule: Rule, settings: RegionChecks | undefined, bound: Bound, notRun: ReadonlyMap<string, string>): RuleSummary {
  const severity = settings?.rules[rule.id] ?? rule.defaultSeverity;
  const status = severity === 'off' ? 'off' : !rule.bound.includes(bound) ? 'other-region' : notRun.has(rule.id) ? 'not-run' : 'ran';
  return { id: rule.id, title: rule.title, help: rule.help, defaultSeverity: rule.defaultSeverity, severity, status, reason: notRun.get(rule.id) };
}

function stageOf(config: FederateConfig | undefined, name: string, region: string): CheckRequestStage {
  const stage = config?.stages[name];
  if (!config || !stage) {
    throw messages.createError('error.UnknownStage', [name, config?.file ?? CONFIG_FILE], [Object.keys(config?.stages ?? {}).join(', ') || '-'], ExitCode.BadInput);
  }
  if (stage.region !== region) throw messages.createError('error.StageRegion', [name, stage.region, region], [stage.region], ExitCode.BadInput);
  return { ...stage, name };
}

type CheckRequestStage = NonNullable<FederateConfig['stages'][string]> & { readonly name: string };

/** A production stage ends its region's chain: no stage of the same region is promoted from it. */
export function isProduction(config: FederateConfig, stage: string): boolean {
  const region = config.stages[stage]?.region;
  return !Object.values(config.stages).some((other) => other.from === stage && other.region === region);
}

/** The region and its bases, root first (china → [global, china]). */
function regionChain(config: FederateConfig, region: string): string[] {
  const chain: string[] = [];
  for (let at: string | undefined = region; at && !chain.includes(at); at = config.regions[at]?.base) chain.unshift(at);
  return chain;
}

function namespaceOf(projectText: string): string | undefined {
  try {
    const value = (JSON.parse(projectText) as { namespace?: unknown }).namespace;
    return typeof value === 'string' && value ? value : undefined;
  } catch {
    return undefined;
  }
}
