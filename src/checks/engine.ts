import { posix } from 'node:path';
import type { Component, ComponentKey, ProgressListener, Snapshot, SnapshotFile } from '../metadata/types.js';
import type { RuleSeverity } from '../pipeline/config.js';
import { scanXml, type ScannedXml } from './xml-scan.js';
import type { CheckContext, FileKind, Finding, RawFinding, Rule, Severity, TextFile } from './types.js';

/** What the engine needs besides the rules: the context's plain facts. */
export type EngineInput = Omit<CheckContext, 'byType' | 'types' | 'xmlOf' | 'textOf' | 'component' | 'projectPath'> & {
  readonly rules: readonly Rule[];
  /** Severity per rule id from configuration (`off` skips the rule). */
  readonly severities?: Readonly<Record<string, RuleSeverity>>;
  /** Prefix that turns a snapshot path into a project-relative one (`''` when the snapshot is the project). */
  readonly pathPrefix?: string;
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
  const xmlCache = new Map<ComponentKey, Promise<ScannedXml | undefined>>();
  const context: CheckContext = {
    ...input,
    byType: (type) => byType.get(type) ?? [],
    types: () => [...byType.keys()].sort(),
    component: (key) => snapshot.components.get(key),
    projectPath,
    textOf: async (path) => {
      const file = fileAt(snapshot, path);
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
  // Snapshot path of each finding at a line of a snapshot file, to move it onto the file as the repository has it.
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
    if (raw.path !== undefined && !raw.projectPath && raw.line !== undefined) snapshotPathOf.set(finding, raw.path);
  };

  input.onProgress?.({ kind: 'phase', message: `Checking ${snapshot.components.size} components against ${active.length} rules` });
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
    if (done % 5000 === 0) input.onProgress?.({ kind: 'count', message: 'Scanning files', done, total: toScan.length });
  });

  const located = input.base ? await onBaseLines(findings, snapshotPathOf, snapshot, input.base) : findings;
  located.sort(compareFindings);
  return { findings: located, notRun, ran, filesScanned: toScan.length };
}

/**
 * Findings in a file the overlay changed are found in the text as the overlay makes it, but annotate the file as the
 * repository has it: each moves to the line of the base file that reads the same (the nearest, when several do); one
 * on a line only the overlay writes keeps the file but not the line, and says so.
 */
async function onBaseLines(findings: readonly Finding[], snapshotPathOf: ReadonlyMap<Finding, string>, checked: Snapshot, base: Snapshot): Promise<Finding[]> {
  const linesOf = new Map<string, Promise<[string[], string[]] | undefined>>();
  const texts = (path: string): Promise<[string[], string[]] | undefined> => {
    let known = linesOf.get(path);
    if (!known) {
      known = (async (): Promise<[string[], string[]] | undefined> => {
        const [after, before] = [fileAt(checked, path), fileAt(base, path)];
        if (!after || !before || after.hash === before.hash) return undefined;
        const [a, b] = await Promise.all([after.read(), before.read()]);
        return [a.toString('utf8').split('\n'), b.toString('utf8').split('\n')];
      })();
      linesOf.set(path, known);
    }
    return known;
  };
  return Promise.all(
    findings.map(async (finding) => {
      const path = snapshotPathOf.get(finding);
      const lines = path === undefined ? undefined : await texts(path);
      if (!lines || finding.line === undefined) return finding;
      const [after, before] = lines;
      const at = finding.line;
      // A patched file is written in 4-space layout: lines are matched without their indentation.
      const text = (after[at - 1] ?? '').trim();
      let best: number | undefined;
      if (text) {
        before.forEach((line, index) => {
          if (line.trim() === text && (best === undefined || Math.abs(index + 1 - at) < Math.abs(best - at))) best = index + 1;
        });
      }
      const indent = (line: string): number => line.length - line.trimStart().length;
      if (best !== undefined) {
        const column = finding.column === undefined ? undefined : finding.column - indent(after[at - 1]) + indent(before[best - 1]);
        return { ...finding, line: best, ...(column !== undefined ? { column } : {}) };
      }
      const rest: Finding = { ...finding, message: `${finding.message} (on a line the overlay writes)` };
      delete (rest as { line?: number }).line;
      delete (rest as { column?: number }).column;
      return rest;
    })
  );
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

/** The first file of the snapshot at `path` (a component's XML or content file). */
function fileAt(snapshot: Snapshot, path: string): SnapshotFile | undefined {
  for (const component of snapshot.components.values()) {
    const xml = component.xml ? component.xml.parts ?? [component.xml] : [];
    const file = [...xml, ...component.content].find((candidate) => candidate.path === path);
    if (file) return file;
  }
  return undefined;
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
