import { posix } from 'node:path';
import type { Component, ComponentKey, ProgressListener, SnapshotFile } from '../metadata/types.js';
import type { RuleSeverity } from '../pipeline/config.js';
import { fileIndex, locateFindings, type RepositoryFile } from './locate.js';
import { checkMessages } from './messages.js';
import { scanXml, type ScannedXml } from './xml-scan.js';
import type { CheckContext, FileKind, Finding, RawFinding, Rule, Severity, TextFile } from './types.js';

/** What the engine needs besides the rules: the context's plain facts. */
export type EngineInput = Omit<CheckContext, 'byType' | 'types' | 'xmlOf' | 'textOf' | 'component' | 'projectPath'> & {
  readonly rules: readonly Rule[];
  /** Severity per rule id from configuration (`off` skips the rule). */
  readonly severities?: Readonly<Record<string, RuleSeverity>>;
  /** Prefix that turns a snapshot path into a project-relative one (`''` when the snapshot is the project). */
  readonly pathPrefix?: string;
  /** Files of the overlays' files/ by the snapshot path each wrote: findings in their text point at them. */
  readonly overlayFiles?: ReadonlyMap<string, RepositoryFile>;
  readonly onProgress?: ProgressListener;
};

export type NotRun = { readonly rule: string; readonly reason: string };

export type EngineResult = {
  readonly findings: readonly Finding[];
  /** Rules that apply but could not run here (need a promotion, need --target-org). */
  readonly notRun: readonly NotRun[];
  /** Rules that ran. */
  readonly ran: readonly string[];
  /** Files read by the text pass. */
  readonly filesScanned: number;
};

const READ_CONCURRENCY = 32;
const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warn: 1, info: 2 };

/**
 * Runs the rules over one snapshot. Components are indexed by type once; text rules share one pass in which
 * every file is read once and handed to each text rule that asks for its kind.
 */
export async function runRules(input: EngineInput): Promise<EngineResult> {
  const { snapshot } = input;
  const byType = new Map<string, Component[]>();
  for (const component of snapshot.components.values()) {
    const list = byType.get(component.type);
    if (list) list.push(component);
    else byType.set(component.type, [component]);
  }
  const prefix = input.pathPrefix ?? '';
  const projectPath = (path: string): string => (prefix ? posix.join(prefix, path) : path);
  const snapshotFile = fileIndex(snapshot);
  const xmlCache = new Map<ComponentKey, Promise<ScannedXml | undefined>>();
  const context: CheckContext = {
    ...input,
    byType: (type) => byType.get(type) ?? [],
    types: () => [...byType.keys()].sort(),
    component: (key) => snapshot.components.get(key),
    projectPath,
    textOf: async (path) => {
      const file = snapshotFile(path);
      if (!file) throw new Error(`No file ${path} in the snapshot`);
      return (await file.read()).toString('utf8');
    },
    xmlOf: (component) => {
      let cached = xmlCache.get(component.key);
      if (!cached) {
        cached = (async (): Promise<ScannedXml | undefined> => {
          if (!component.xml) return undefined;
          try {
            return scanXml((await component.xml.read()).toString('utf8'), component.xml.path);
          } catch {
            return undefined;
          }
        })();
        xmlCache.set(component.key, cached);
      }
      return cached;
    },
  };

  const findings: Finding[] = [];
  const notRun: NotRun[] = [];
  const ran: string[] = [];
  const active: Rule[] = [];
  for (const rule of input.rules) {
    if (input.severities?.[rule.id] === 'off' || !rule.bound.includes(input.bound)) continue;
    const reason = rule.notRunnable?.(context);
    if (reason) {
      notRun.push({ rule: rule.id, reason });
      continue;
    }
    active.push(rule);
    ran.push(rule.id);
  }
  // Snapshot path of each finding in a snapshot file, to move it onto the file as the repository has it.
  const snapshotPathOf = new Map<Finding, string>();
  const emitFor = (rule: Rule) => (raw: RawFinding): void => {
    const configured = input.severities?.[rule.id];
    const severity: Severity = configured && configured !== 'off' ? configured : raw.severity ?? rule.defaultSeverity;
    const finding: Finding = {
      rule: rule.id,
      severity,
      message: raw.message,
      component: raw.component,
      path: raw.path === undefined ? undefined : raw.projectPath ? raw.path : projectPath(raw.path),
      line: raw.line,
      column: raw.column,
      fix: raw.fix,
    };
    findings.push(finding);
    if (raw.path !== undefined && !raw.projectPath) snapshotPathOf.set(finding, raw.path);
  };

  input.onProgress?.({ kind: 'phase', message: checkMessages.getMessage('progress.Checking', [snapshot.components.size, active.length]) });
  for (const rule of active) {
    // eslint-disable-next-line no-await-in-loop
    if (rule.check) await rule.check(context, emitFor(rule));
  }

  const textRules = active.filter((rule) => rule.text);
  const files: TextFile[] = [];
  // A merged file (CustomLabels in several package directories) is scanned file by file: findings name each one's lines.
  const xmlFiles = (component: Component): readonly SnapshotFile[] => (component.xml ? component.xml.parts ?? [component.xml] : []);
  for (const component of snapshot.components.values()) {
    for (const xml of xmlFiles(component)) files.push({ path: xml.path, component, kind: kindOf(component, xml.path, true), isXml: true });
    for (const file of component.content) files.push({ path: file.path, component, kind: kindOf(component, file.path, false), isXml: false });
  }
  const wanted = (file: TextFile): Rule[] =>
    file.kind === 'binary' ? [] : textRules.filter((rule) => rule.text!.kinds === 'all' || rule.text!.kinds.includes(file.kind));
  const toScan = files.map((file) => [file, wanted(file)] as const).filter(([, rules]) => rules.length > 0);
  const fileOf = new Map<string, { read(): Promise<Buffer> }>();
  for (const component of snapshot.components.values()) {
    for (const xml of xmlFiles(component)) fileOf.set(xml.path, xml);
    for (const file of component.content) fileOf.set(file.path, file);
  }
  let done = 0;
  await forEachLimit(toScan, READ_CONCURRENCY, async ([file, rules]) => {
    const text = (await fileOf.get(file.path)!.read()).toString('utf8');
    for (const rule of rules) rule.text!.scan(text, file, context, emitFor(rule));
    done++;
    if (done % 5000 === 0) input.onProgress?.({ kind: 'count', message: checkMessages.getMessage('progress.Scanning'), done, total: toScan.length });
  });

  const located = input.base ? await locateFindings(findings, { checked: snapshot, repositoryFileOf: repositoryFiles(input, projectPath), snapshotPathOf, overlayFile: input.overlayFile }) : findings;
  located.sort(compareFindings);
  return { findings: located, notRun, ran, filesScanned: toScan.length };
}

/** Where the text of each snapshot path is kept: the overlay's files/ file that wrote it, or the base's file. */
function repositoryFiles(input: EngineInput, projectPath: (path: string) => string): (path: string) => RepositoryFile | undefined {
  const baseFile = fileIndex(input.base!);
  return (path) => {
    const own = input.overlayFiles?.get(path);
    if (own) return own;
    const file = baseFile(path);
    return file ? { path: projectPath(path), hash: file.hash, read: () => file.read() } : undefined;
  };
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    (a.path ?? '').localeCompare(b.path ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    a.rule.localeCompare(b.rule) ||
    a.message.localeCompare(b.message)
  );
}

const BINARY_TYPES = new Set(['StaticResource', 'Document', 'ContentAsset', 'Certificate', 'SiteDotCom', 'EclairGeoData']);

/** Types whose files are all of one kind, whatever their name. */
const KIND_OF_TYPE = new Map<string, FileKind>([
  ['Flow', 'flow'],
  ['CustomLabels', 'labels'],
  ['CustomLabel', 'labels'],
  ['CustomMetadata', 'custom-metadata'],
  ['EmailTemplate', 'email'],
  ['CustomField', 'field'],
  ['ValidationRule', 'validation-rule'],
  ['Workflow', 'workflow'],
]);

/** What kind of file a text rule sees, from the component's registry type and the file name. */
export function kindOf(component: Component, path: string, isXml: boolean): FileKind {
  const type = component.type;
  if (!isXml && BINARY_TYPES.has(type)) return 'binary';
  const kind = KIND_OF_TYPE.get(type);
  if (kind) return kind;
  switch (type) {
    case 'ApexClass':
      return path.endsWith('.cls') ? 'apex' : 'other-xml';
    case 'ApexTrigger':
      return path.endsWith('.trigger') ? 'trigger' : 'other-xml';
    case 'LightningComponentBundle':
      return path.endsWith('.js') ? 'lwc-js' : isXml ? 'other-xml' : 'other';
    case 'AuraDefinitionBundle':
      return path.endsWith('.js') ? 'aura-js' : isXml ? 'other-xml' : 'other';
    default:
      return isXml || path.endsWith('.xml') ? 'other-xml' : 'other';
  }
}

async function forEachLimit<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      // eslint-disable-next-line no-await-in-loop
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
