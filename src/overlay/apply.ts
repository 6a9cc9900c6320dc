import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import picomatch from 'picomatch';
import { RegistryAccess } from '../metadata/sdr.js';
import { ExitCode } from '../exit-codes.js';
import { formatSegment, parseAddress, selectElements, type AddressSegment, type ElementMatch } from '../metadata/address.js';
import { elementKeysFor } from '../metadata/elements.js';
import { combineHashes, gitBlobId } from '../metadata/hash.js';
import { mergedFile } from '../metadata/merged-file.js';
import { buildSnapshot, componentKey } from '../metadata/snapshot.js';
import type { Component, ComponentKey, ProgressListener, Snapshot, SnapshotFile } from '../metadata/types.js';
import {
  buildXmlDocument,
  canonicalize,
  childElements,
  childNodes,
  elementName,
  makeElement,
  parseXmlDocument,
  parseXmlFragment,
  rootElement,
  serializeCanonical,
  setText,
  textOf,
  type XmlDocument,
  type XmlNode,
} from '../metadata/xml.js';
import { overlayMessages as messages } from './messages.js';
import { memoryFile, memoryStore } from './memory.js';
import { joinDocuments, type MergedDocument } from './merged-document.js';
import { childTypesOf, mergedOnDeploy, parentTypeOf } from './registry-children.js';
import type { ExcludeRule, Overlay, OverlayFile, OverlayReport, PatchRule, ReplaceRule, RuleBase, RuleKind, RuleReport, RuleStatus } from './types.js';
import { referencedValues, substitute, ValueResolver } from './values.js';

export type ApplyOptions = {
  /** Stage (federate.yml) whose values and stage-limited rules apply. */
  readonly stage?: string;
  /** Where `env:` values and replaceWithEnv read from (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Stale rules and rules to review are errors. */
  readonly strict?: boolean;
  /** The project's registry (registryCustomizations); the default registry otherwise. */
  readonly registry?: RegistryAccess;
  readonly onProgress?: ProgressListener;
  /** Unset environment values skip the rules that use them instead of failing (diff and capture, never deploys); a name not defined under `values:` still fails. */
  readonly lenientEnv?: boolean;
  /**
   * The base is this folder of the project only (`--source dir:pkg2`, project-relative): files/ outside it belong to
   * the rest of the project and are skipped, not added.
   */
  readonly within?: string;
};

/** A patch skipped because a value it needs comes from an unset environment variable: where it sets, and its text as written. */
export type UnevaluatedPatch = { readonly component: string; readonly path: string; readonly written: string };

/**
 * `unevaluated`: patches lenientEnv skipped for want of a secret (diff --region and capture cannot judge what they set).
 * `filesByPath`: the files/ files by the snapshot path each replaced or added (one equal to the base's too), so that
 * a check can point at the file a user edits for that text.
 */
export type ApplyResult = {
  readonly snapshot: Snapshot;
  readonly report: OverlayReport;
  readonly unevaluated: readonly UnevaluatedPatch[];
  readonly filesByPath: ReadonlyMap<string, OverlayFile>;
};

type Problem = { readonly rule: RuleBase; readonly message: string };

/** Raised inside a rule; collected with the rule's id and line. */
class RuleError extends Error {}

/**
 * A document being edited, with whether it changed. A component kept in several files (merged-file.ts) is edited as
 * one document and written back file by file: `merged` knows which file each entry came from.
 */
type DocEntry = { doc: XmlDocument; changed: boolean; merged?: { document: MergedDocument; parts: readonly SnapshotFile[] } };

/**
 * Applies a region's overlay to a snapshot: a pure Snapshot → Snapshot (changed files get in-memory bytes and new
 * hashes; nothing is written), plus a report of every rule and what it touched. Order: exclude components, files/,
 * exclude in-file children and patches, replacements. Any error (a patch path matching nothing or several
 * elements, an unset environment value, a result the Metadata API would refuse) fails the whole apply.
 */
export async function applyOverlay(base: Snapshot, overlay: Overlay, options: ApplyOptions = {}): Promise<ApplyResult> {
  const work = new Work(base, overlay, options);
  await work.run();
  return work.result();
}

/** A component's hash, computed the way the snapshot builder does (names relative to the component's folder). */
export function hashComponentFiles(xml: SnapshotFile | undefined, content: readonly SnapshotFile[]): string {
  const base = xml ? posix.dirname(xml.path) : content.length ? posix.dirname(content[0].path) : '';
  return combineHashes([...(xml ? [xml] : []), ...content].map((file) => [posix.relative(base, file.path), file.hash] as const));
}

/** `sha1:` + the first 12 hex digits of the sha1 of an element's canonical text: what `expect` may hold for an element. */
export function elementFingerprint(node: XmlNode): string {
  return `sha1:${createHash('sha1').update(serializeCanonical(canonicalize(node))).digest('hex').slice(0, 12)}`;
}

class Work {
  private readonly registry: RegistryAccess;
  private readonly env: NodeJS.ProcessEnv;
  private readonly values: ValueResolver;
  private readonly components: Map<ComponentKey, Component>;
  /** New bytes of files, by snapshot path. */
  private readonly bytes = new Map<string, Buffer>();
  /** Parsed XML being edited, by snapshot path, with whether it changed. */
  private readonly docs = new Map<string, DocEntry>();
  private readonly dirty = new Set<ComponentKey>();
  private readonly removed = new Set<ComponentKey>();
  private readonly added = new Set<ComponentKey>();
  private readonly problems: Problem[] = [];
  private readonly reports: RuleReport[] = [];
  private readonly unevaluated: UnevaluatedPatch[] = [];
  private readonly filesByPath = new Map<string, OverlayFile>();
  private ownerIndex?: Map<string, ComponentKey>;
  private readonly bareFolder: boolean;
  private packageDirs: string[];

  public constructor(private readonly base: Snapshot, private readonly overlay: Overlay, private readonly options: ApplyOptions) {
    this.registry = options.registry ?? new RegistryAccess();
    this.env = options.env ?? process.env;
    this.values = new ValueResolver(overlay, options.stage, this.env);
    this.components = new Map(base.components);
    this.bareFolder = base.packageDirs.length === 1 && base.packageDirs[0] === '.';
    this.packageDirs = [...base.packageDirs];
  }

  public async run(): Promise<void> {
    const progress = this.options.onProgress;
    progress?.({ kind: 'phase', message: messages.getMessage('progress.Applying', [this.overlay.file]) });
    const inFileExcludes: ExcludeRule[] = [];
    for (const rule of this.overlay.exclude) {
      if (this.skipped(rule, describeExclude(rule))) continue;
      if (this.isInFileExclude(rule)) inFileExcludes.push(rule);
      else this.guard(rule, () => this.excludeComponents(rule));
    }
    await this.applyFiles(this.overlay.files.filter((file) => !this.skipped(file, `file ${file.path}`)));
    // Rules run one after another: each edits the documents the next one reads.
    // eslint-disable-next-line no-await-in-loop
    for (const rule of inFileExcludes) await this.guardAsync(rule, () => this.excludeInFile(rule));
    for (const rule of this.overlay.patches) {
      if (this.skipped(rule, describePatch(rule))) continue;
      // eslint-disable-next-line no-await-in-loop
      await this.guardAsync(rule, () => this.patch(rule));
    }
    this.flushDocs();
    for (const rule of this.overlay.replace) {
      if (this.skipped(rule, describeReplace(rule))) continue;
      // eslint-disable-next-line no-await-in-loop
      await this.guardAsync(rule, () => this.replace(rule));
    }
    if (this.options.strict) {
      for (const report of this.reports) {
        if (report.status === 'stale' || report.status === 'review') this.problems.push({ rule: { id: report.rule, line: report.line }, message: `${report.message ?? report.status} (--strict)` });
      }
    }
    if (this.problems.length) {
      const lines = this.problems.map((problem) => `${this.where(problem.rule)}: ${problem.message}`).join('\n');
      throw messages.createError('error.ApplyFailed', [this.overlay.file, this.problems.length, lines], [], ExitCode.BadInput);
    }
  }

  public result(): ApplyResult {
    const components = new Map<ComponentKey, Component>();
    for (const [key, component] of this.components) {
      if (!this.dirty.has(key)) {
        components.set(key, component);
        continue;
      }
      const swap = (file: SnapshotFile): SnapshotFile => {
        const bytes = this.bytes.get(file.path);
        return bytes ? memoryFile(file.path, bytes) : file;
      };
      // A merged file is made again from its files, any of which a rule may have changed.
      const swapXml = (file: SnapshotFile): SnapshotFile => {
        if (!file.parts) return swap(file);
        const parts = file.parts.map(swap);
        return parts.every((part, index) => part === file.parts![index]) ? file : mergedFile(parts[0], parts.slice(1));
      };
      const xml = component.xml ? swapXml(component.xml) : undefined;
      const content = component.content.map(swap);
      components.set(key, { ...component, xml, content, hash: hashComponentFiles(xml, content) });
    }
    const children = new Map<ComponentKey, ComponentKey[]>();
    for (const component of components.values()) {
      if (component.parent && components.has(component.parent)) {
        const list = children.get(component.parent) ?? [];
        list.push(component.key);
        children.set(component.parent, list);
      }
    }
    const changed = [...this.dirty].filter((key) => components.has(key) && !this.added.has(key)).length;
    const snapshot: Snapshot = { ...this.base, components, children, packageDirs: this.packageDirs };
    const count = (status: RuleStatus): number => this.reports.filter((report) => report.status === status).length;
    const warnings = this.reports
      .filter((report) => report.status === 'stale' || report.status === 'review')
      .map((report) => `${this.where({ id: report.rule, line: report.line })}: ${report.message ?? report.status}`);
    return {
      snapshot,
      unevaluated: this.unevaluated,
      filesByPath: this.filesByPath,
      report: {
        overlay: this.overlay.file,
        stage: this.options.stage,
        rules: this.reports,
        warnings,
        counts: {
          rules: this.reports.length,
          applied: count('applied'),
          unchanged: count('unchanged'),
          review: count('review'),
          stale: count('stale'),
          skipped: count('skipped'),
          componentsRemoved: this.removed.size,
          componentsChanged: changed,
          componentsAdded: this.added.size,
        },
      },
    };
  }

  // ---- bookkeeping ------------------------------------------------------------------------------------------

  private where(rule: { id: string; line?: number }): string {
    return rule.line ? `${this.overlay.file}:${rule.line} (${rule.id})` : `${this.overlay.file} (${rule.id})`;
  }

  private report(rule: RuleBase & { kind: RuleKind }, description: string, status: RuleStatus, touched: readonly string[], message?: string): void {
    this.reports.push({ rule: rule.id, kind: rule.kind, line: rule.line, description, status, touched: [...touched].sort(), message });
  }

  private skipped(rule: RuleBase & { kind: RuleKind }, description: string): boolean {
    if (!rule.stages) return false;
    if (this.options.stage !== undefined && rule.stages.includes(this.options.stage)) return false;
    this.report(rule, description, 'skipped', [], `only for stage(s) ${rule.stages.join(', ')}`);
    return true;
  }

  private guard(rule: RuleBase, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      if (error instanceof RuleError) this.problems.push({ rule, message: error.message });
      else if ((error as { exitCode?: number }).exitCode === ExitCode.BadInput) this.problems.push({ rule, message: (error as Error).message.split('\n')[0] });
      else throw error;
    }
  }

  private async guardAsync(rule: RuleBase, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      if (error instanceof RuleError) this.problems.push({ rule, message: error.message });
      else if ((error as { exitCode?: number }).exitCode === ExitCode.BadInput) this.problems.push({ rule, message: (error as Error).message.split('\n')[0] });
      else throw error;
    }
  }

  /** Snapshot path ↔ project-relative paths: a bare-folder snapshot's paths also match under each package dir. */
  private aliases(path: string): string[] {
    return this.bareFolder ? [path, ...this.overlay.packageDirs.map((dir) => `${dir}/${path}`)] : [path];
  }

  private toSnapshotPath(projectPath: string): string {
    if (!this.bareFolder) return projectPath;
    const dir = this.overlay.packageDirs.find((candidate) => projectPath.startsWith(`${candidate}/`));
    return dir ? projectPath.slice(dir.length + 1) : projectPath;
  }

  private owners(): Map<string, ComponentKey> {
    if (!this.ownerIndex) {
      this.ownerIndex = new Map();
      for (const component of this.components.values()) for (const file of filesOf(component)) this.ownerIndex.set(file.path, component.key);
    }
    return this.ownerIndex;
  }

  private async readBytes(file: SnapshotFile): Promise<Buffer> {
    return this.bytes.get(file.path) ?? file.read();
  }

  private setBytes(key: ComponentKey, path: string, bytes: Buffer): void {
    this.bytes.set(path, bytes);
    this.dirty.add(key);
  }

  private removeComponent(key: ComponentKey): void {
    const component = this.components.get(key);
    if (!component) return;
    this.components.delete(key);
    if (this.added.has(key)) this.added.delete(key);
    else this.removed.add(key);
    if (this.ownerIndex) for (const file of filesOf(component)) this.ownerIndex.delete(file.path);
    for (const child of this.base.children.get(key) ?? []) this.removeComponent(child);
    for (const other of [...this.components.values()]) if (other.parent === key) this.removeComponent(other.key);
  }

  // ---- exclude ----------------------------------------------------------------------------------------------

  private excludeFilter(rule: ExcludeRule): { type?: string; name?: (name: string) => boolean; path?: (path: string) => boolean } {
    let type = rule.type;
    let nameGlob = rule.name;
    if (rule.component) {
      const at = rule.component.indexOf(':');
      const componentType = rule.component.slice(0, at);
      if (type && type !== componentType) throw new RuleError(`type "${type}" and component "${rule.component}" disagree`);
      type = componentType;
      nameGlob = rule.component.slice(at + 1);
      if (rule.name) throw new RuleError('give either component or name, not both');
    }
    return {
      type,
      name: nameGlob === undefined ? undefined : picomatch(nameGlob, { dot: true, nonegate: true }),
      path: rule.path === undefined ? undefined : picomatch(rule.path, { dot: true }),
    };
  }

  private isInFileExclude(rule: ExcludeRule): boolean {
    const type = rule.type ?? rule.component?.slice(0, rule.component.indexOf(':'));
    if (!type) return false;
    const parent = parentTypeOf(this.registry, type);
    return parent !== undefined && !parent.child.decomposed;
  }

  private excludeComponents(rule: ExcludeRule): void {
    const filter = this.excludeFilter(rule);
    const touched: string[] = [];
    const inPath = (file: SnapshotFile): boolean => this.aliases(file.path).some((alias) => filter.path!(alias));
    for (const component of [...this.components.values()]) {
      if (!this.components.has(component.key)) continue;
      if (filter.type !== undefined && component.type !== filter.type) continue;
      if (filter.name && !filter.name(component.fullName)) continue;
      if (filter.path && !filesOf(component).some(inPath)) continue;
      const parts = component.xml?.parts;
      if (filter.path && parts && !parts.every(inPath)) {
        // Some files of a merged component (the CustomLabels file of one package directory): only those go.
        this.dropParts(component, parts.filter(inPath));
        touched.push(component.key, ...parts.filter(inPath).map((part) => part.path));
        continue;
      }
      touched.push(component.key);
      this.removeComponent(component.key);
    }
    this.report(rule, describeExclude(rule), touched.length ? 'applied' : 'stale', touched, touched.length ? undefined : 'excludes nothing: no component matches');
  }

  /** A merged component without some of its files; the others keep their entries. */
  private dropParts(component: Component, dropped: readonly SnapshotFile[]): void {
    const kept = component.xml!.parts!.filter((part) => !dropped.includes(part));
    const xml = kept.length === 1 ? kept[0] : mergedFile(kept[0], kept.slice(1));
    this.components.set(component.key, { ...component, xml, hash: hashComponentFiles(xml, component.content) });
    if (this.ownerIndex) for (const part of dropped) this.ownerIndex.delete(part.path);
    this.dirty.add(component.key);
  }

  /** Children that live inside their parent's file (CustomLabel, WorkflowAlert): their elements are removed. */
  private async excludeInFile(rule: ExcludeRule): Promise<void> {
    const filter = this.excludeFilter(rule);
    // isInFileExclude admitted the rule: it names a type that lives in its parent's file.
    const type = filter.type!;
    const { parent, child } = parentTypeOf(this.registry, type)!;
    const touched: string[] = [];
    const inPath = (file: SnapshotFile): boolean => !filter.path || this.aliases(file.path).some((alias) => filter.path!(alias));
    for (const component of [...this.components.values()]) {
      if (component.type !== parent || !component.xml) continue;
      if (!(component.xml.parts ?? [component.xml]).some(inPath)) continue;
      // eslint-disable-next-line no-await-in-loop
      const entry = await this.doc(component);
      const root = rootElement(entry.doc);
      const nodes = childNodes(root);
      // In a merged component, `path` picks the entries of the files it matches.
      const fileOf = (node: XmlNode): SnapshotFile => (entry.merged ? entry.merged.parts[entry.merged.document.partOf(node) ?? 0] : component.xml!);
      for (const node of childElements(root, child.tag)) {
        if (!inPath(fileOf(node))) continue;
        const id = textOf(childElements(node, child.idElement)[0] ?? makeElement(child.idElement)) ?? '';
        const fullName = child.ignoreParentName ? id : `${component.fullName}.${id}`;
        if (filter.name && !filter.name(fullName)) continue;
        nodes.splice(nodes.indexOf(node), 1);
        entry.changed = true;
        this.dirty.add(component.key);
        touched.push(componentKey(child.name, fullName));
      }
    }
    this.report(rule, describeExclude(rule), touched.length ? 'applied' : 'stale', touched, touched.length ? undefined : `excludes nothing: no ${type} matches`);
  }

  // ---- files/ -----------------------------------------------------------------------------------------------

  private async applyFiles(files: readonly OverlayFile[]): Promise<void> {
    const fresh: Array<{ file: OverlayFile; path: string }> = [];
    const projectDirs = this.overlay.packageDirs.map((dir) => dir.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '') || '.');
    for (const file of files) {
      // A file outside every package directory would be written where neither SDR nor a deploy looks (a typo in
      // files/force-app-cn/…): refused, like a file that is not metadata.
      if (projectDirs.length && !projectDirs.some((dir) => dir === '.' || file.path.startsWith(`${dir}/`))) {
        this.problems.push({ rule: file, message: `files/${file.path} is not inside a package directory of the project (${projectDirs.join(', ')}): nothing would deploy it` });
        continue;
      }
      const { within } = this.options;
      if (within !== undefined && !file.path.startsWith(`${within}/`)) {
        this.report(file, `file ${file.path}`, 'skipped', [], messages.getMessage('report.OutsideSourceFolder', [within]));
        continue;
      }
      const path = this.toSnapshotPath(file.path);
      const owner = this.owners().get(path);
      if (owner) {
        const current = filesOf(this.components.get(owner)!).find((candidate) => candidate.path === path)!;
        const same = current.hash === gitBlobId(file.bytes);
        if (!same) this.setBytes(owner, path, file.bytes);
        this.filesByPath.set(path, file);
        this.report(file, `file ${file.path}`, same ? 'unchanged' : 'applied', [owner, path]);
      } else {
        fresh.push({ file, path });
      }
    }
    if (fresh.length) await this.addFiles(fresh);
  }

  /**
   * Files the base does not have: resolved by SDR in an in-memory tree that also holds the base's files of the same
   * folders (so a file added to a bundle, or a field beside its object's others, resolves to the right component).
   */
  private async addFiles(fresh: ReadonlyArray<{ file: OverlayFile; path: string }>): Promise<void> {
    const root = '/__sf_federate_overlay__';
    const contents = new Map<string, Buffer>();
    const overlayPaths = new Set(fresh.map((entry) => entry.path));
    for (const { file, path } of fresh) contents.set(path, file.bytes);
    const dirs = new Set(fresh.map((entry) => posix.dirname(entry.path)));
    for (const component of this.components.values()) {
      for (const file of filesOf(component)) {
        if (dirs.has(posix.dirname(file.path)) && !contents.has(file.path)) {
          // eslint-disable-next-line no-await-in-loop
          contents.set(file.path, await this.readBytes(file));
        }
      }
    }
    const store = memoryStore(contents, root);
    const topDirs = [...new Set(fresh.map((entry) => entry.path.split('/')[0]))];
    const snapshot = await buildSnapshot(store, { registry: this.registry, source: this.base.source, apiVersion: this.base.apiVersion, packageDirs: topDirs });
    const unresolved = snapshot.unclassified.filter((file) => overlayPaths.has(file.path));
    const resolvedBy = new Map<string, ComponentKey>();
    for (const component of snapshot.components.values()) {
      if (!filesOf(component).some((file) => overlayPaths.has(file.path))) continue;
      const known = this.components.get(component.key);
      const merged = this.withFiles(known, component);
      this.components.set(component.key, merged);
      this.dirty.add(component.key);
      if (!known) this.added.add(component.key);
      for (const file of filesOf(merged)) {
        if (overlayPaths.has(file.path) || !known) this.bytes.set(file.path, contents.get(file.path)!);
        this.owners().set(file.path, component.key);
        if (overlayPaths.has(file.path)) resolvedBy.set(file.path, component.key);
      }
    }
    for (const { file, path } of fresh) {
      const key = resolvedBy.get(path);
      if (key) {
        this.filesByPath.set(path, file);
        this.report(file, `file ${file.path}`, 'applied', [key, path]);
      } else {
        const why = unresolved.find((entry) => entry.path === path)?.reason ?? 'it does not belong to any metadata component';
        this.problems.push({ rule: file, message: `not a metadata file the registry knows (${why}); files/ holds metadata at the same paths as the base` });
      }
    }
    for (const dir of topDirs) if (!this.bareFolder && !this.packageDirs.includes(dir) && !this.packageDirs.some((known) => dir.startsWith(`${known}/`))) this.packageDirs.push(dir);
  }

  /** A base component (if any) with files/ resolved to it. */
  private withFiles(known: Component | undefined, resolved: Component): Component {
    if (!known || !mergedOnDeploy(this.registry, known.type)) return mergeComponent(known, resolved);
    // A merged file's files in package directory order (the base's, then the project's), as the snapshot builder has them.
    const dirs = [...this.packageDirs, ...this.overlay.packageDirs];
    const rank = (path: string): number => {
      const at = dirs.findIndex((dir) => dir === '.' || path.startsWith(`${dir}/`));
      return at < 0 ? dirs.length : at;
    };
    return mergeFiles(known, resolved, rank);
  }

  // ---- patches ----------------------------------------------------------------------------------------------

  private async doc(component: Component): Promise<DocEntry> {
    const xml = component.xml!;
    let entry = this.docs.get(xml.path);
    if (!entry) {
      const parse = async (file: SnapshotFile): Promise<XmlDocument> => dropFormatting(parseXmlDocument(await this.readBytes(file), file.path));
      if (xml.parts) {
        const parts = xml.parts;
        const document = joinDocuments(await Promise.all(parts.map(parse)));
        entry = { doc: document.doc, changed: false, merged: { document, parts } };
      } else {
        entry = { doc: await parse(xml), changed: false };
      }
      this.docs.set(xml.path, entry);
    }
    return entry;
  }

  private flushDocs(): void {
    for (const [path, entry] of this.docs) {
      if (!entry.changed) continue;
      if (entry.merged) {
        const { document, parts } = entry.merged;
        document.split().forEach((text, index) => text !== undefined && this.bytes.set(parts[index].path, Buffer.from(text, 'utf8')));
      } else {
        this.bytes.set(path, Buffer.from(buildXmlDocument(entry.doc), 'utf8'));
      }
    }
    this.docs.clear();
  }

  /** The component and address a patch reaches: `CustomObject:Account` + `fields[fullName=X]/label` is `CustomField:Account.X` + `label`. */
  private target(rule: PatchRule): { key: ComponentKey; segments: AddressSegment[] } {
    const segments = rule.path ? [...parseAddress(rule.path)] : [];
    const at = rule.component.indexOf(':');
    const type = rule.component.slice(0, at);
    const fullName = rule.component.slice(at + 1);
    const first = segments[0];
    const child = first && childTypesOf(this.registry, type).find((info) => info.decomposed && info.tag === first.name);
    if (child && first) {
      const id = first.keys.find(([name]) => name === child.idElement)?.[1];
      if (id === undefined || first.keys.length !== 1 || first.index !== undefined) {
        throw new RuleError(`${first.name} of ${type} are files of their own: address one by ${child.idElement}, e.g. ${first.name}[${child.idElement}=Name]/…`);
      }
      return { key: componentKey(child.name, `${fullName}.${id}`), segments: segments.slice(1) };
    }
    return { key: rule.component, segments };
  }

  private async patch(rule: PatchRule): Promise<void> {
    const description = describePatch(rule);
    const { key, segments } = this.target(rule);
    const component = this.components.get(key);
    if (!component) {
      this.report(rule, description, 'stale', [], `${key} is not in the base: the patch touches nothing`);
      return;
    }
    if (!component.xml) throw new RuleError(`${key} has no XML file to patch`);
    if (segments.length === 0 && rule.operation.op === 'remove') {
      if (component.parent) {
        this.removeComponent(key);
        this.report(rule, description, 'applied', [key]);
        return;
      }
      throw new RuleError('remove without a path would remove the root element; use exclude to drop a component');
    }
    const entry = await this.doc(component);
    const rootName = elementName(rootElement(entry.doc))!;
    const table = elementKeysFor(this.registry, rootName);
    const value = (text: string): string | undefined => this.substituteValues(rule, text);
    let outcome: { status: RuleStatus; message?: string };
    switch (rule.operation.op) {
      case 'set': {
        const text = value(rule.operation.value);
        if (text === undefined) return;
        outcome = setLeaf(entry.doc, segments, text, rule.expect, table);
        break;
      }
      case 'remove':
        outcome = removeElement(entry.doc, segments, rule.expect, table);
        break;
      case 'add': {
        const xml = value(rule.operation.xml);
        if (xml === undefined) return;
        outcome = addElements(entry.doc, segments, xml, `${this.overlay.file}:${rule.line ?? 0}`, table);
        break;
      }
    }
    if (outcome.status === 'applied' || outcome.status === 'review') {
      checkAcceptable(entry.doc, component, table);
      entry.changed = true;
      this.dirty.add(key);
    }
    this.report(rule, description, outcome.status, outcome.status === 'stale' ? [] : [key], outcome.message);
  }

  /** `${NAME}` → value; undefined (rule skipped and reported) when an optional value is unset. */
  private substituteValues(rule: RuleBase & { kind: RuleKind }, text: string): string | undefined {
    for (const name of referencedValues(text)) {
      const resolved = this.values.resolve(name);
      if (!resolved.ok) {
        // lenientEnv (diff --region, capture) skips what needs a secret it does not have; an undefined name is an error everywhere.
        if (resolved.optional || (this.options.lenientEnv && resolved.envUnset)) {
          if (resolved.envUnset && rule.kind === 'patch') {
            const patch = rule as PatchRule;
            this.unevaluated.push({ component: patch.component, path: patch.path ?? '', written: text });
          }
          this.report(rule, rule.kind === 'patch' ? describePatch(rule as PatchRule) : describeReplace(rule as ReplaceRule), 'skipped', [], `${resolved.problem}; optional, so the rule is skipped`);
          return undefined;
        }
        throw new RuleError(`${resolved.problem}${resolved.problem.includes('environment') ? ' (declare it `optional: true` to skip the rule instead)' : ''}`);
      }
    }
    return substitute(text, (name) => {
      const resolved = this.values.resolve(name);
      return resolved.ok ? resolved.value : '';
    });
  }

  // ---- replace ----------------------------------------------------------------------------------------------

  private async replace(rule: ReplaceRule): Promise<void> {
    const description = describeReplace(rule);
    const unmet = (rule.replaceWhenEnv ?? []).find((condition) => this.env[condition.env] !== String(condition.value));
    if (unmet) {
      this.report(rule, description, 'skipped', [], `only when ${unmet.env}=${String(unmet.value)}`);
      return;
    }
    const replacement = this.replacementText(rule, description);
    if (replacement === undefined) return;
    const glob = rule.glob !== undefined ? picomatch(rule.glob, { dot: true }) : undefined;
    const matches = (path: string): boolean => (glob ? glob(path) : path === rule.filename);
    const touched: string[] = [];
    let matchedFiles = 0;
    for (const component of this.components.values()) {
      for (const file of filesOf(component)) {
        if (!this.aliases(file.path).some(matches)) continue;
        matchedFiles++;
        // eslint-disable-next-line no-await-in-loop
        const before = (await this.readBytes(file)).toString('utf8');
        // A regex's replacement takes $1, $<name> and $& as String.replace gives them, as SDR's replacements do.
        const after = rule.stringToReplace !== undefined ? replaceString(before, rule.stringToReplace, replacement) : before.replace(new RegExp(rule.regexToReplace!, 'g'), replacement);
        if (after !== before) {
          this.setBytes(component.key, file.path, Buffer.from(after, 'utf8'));
          touched.push(file.path);
        }
      }
    }
    const status: RuleStatus = touched.length ? 'applied' : matchedFiles ? 'unchanged' : 'stale';
    this.report(rule, description, status, touched, status === 'stale' ? 'no file matches' : status === 'unchanged' ? `the text is in none of the ${matchedFiles} matching file(s)` : undefined);
  }

  /** The new text of a replace rule; undefined when the rule is skipped (reported here). */
  private replacementText(rule: ReplaceRule, description: string): string | undefined {
    if (rule.replaceWith !== undefined) return this.substituteValues(rule, rule.replaceWith);
    if (rule.replaceWithFile !== undefined) {
      const text = this.overlay.replacementFiles.get(rule.replaceWithFile);
      if (text === undefined) throw new RuleError(`replaceWithFile "${rule.replaceWithFile}" was not read (overlay built without its folder)`);
      return text;
    }
    const name = rule.replaceWithEnv;
    // overlay.schema.json requires exactly one of replaceWith, replaceWithFile and replaceWithEnv.
    if (name === undefined) throw new RuleError('the rule has no replaceWith, replaceWithFile or replaceWithEnv');
    const text = this.env[name];
    if (text !== undefined) return text;
    if (rule.allowUnsetEnvVariable === true || this.options.lenientEnv === true) {
      this.report(rule, description, 'skipped', [], `environment variable ${name} is not set (allowUnsetEnvVariable)`);
      return undefined;
    }
    throw new RuleError(`environment variable ${name} is not set (set allowUnsetEnvVariable: true to skip the rule instead)`);
  }
}

// ---- XML operations (pure, on a parsed document) ------------------------------------------------------------

type Outcome = { status: RuleStatus; message?: string };

/** Names each element an ambiguous address selects, at the first segment where it branches: `a[k=1]/b, a[k=2]/b`. */
function describeMatches(doc: XmlDocument, segments: readonly AddressSegment[], table: ReturnType<typeof elementKeysFor>): string {
  let at = segments.length;
  let matches = selectElements(doc, segments);
  for (let length = 1; length <= segments.length; length++) {
    const partial = selectElements(doc, segments.slice(0, length));
    if (partial.length > 1) {
      at = length;
      matches = partial;
      break;
    }
  }
  const prefix = segments.slice(0, at - 1).map(formatSegment).join('/');
  const branch = segments[at - 1];
  const rest = segments.slice(at).map(formatSegment).join('/');
  const spec = table.get(segments.slice(0, at).map((segment) => segment.name).join('/'));
  const address = (segment: AddressSegment): string => [prefix, formatSegment(segment), rest].filter(Boolean).join('/');
  const byKey = matches.map((match) => {
    const keys = spec ? spec.key.map((key) => [key, textOf(childElements(match.node, key)[0] ?? makeElement(key)) ?? ''] as [string, string]) : [];
    return keys.length && keys.some(([, value]) => value) ? address({ name: branch.name, keys }) : undefined;
  });
  // Keys that tell the matches apart name them; otherwise (the same key twice) their position among the matches does.
  if (byKey.every((text) => text !== undefined) && new Set(byKey).size === byKey.length) return byKey.join(', ');
  return matches.map((match, index) => address({ ...branch, index: index + 1 })).join(', ');
}

function selectOne(doc: XmlDocument, segments: readonly AddressSegment[], table: ReturnType<typeof elementKeysFor>): ElementMatch | undefined {
  if (segments.length === 0) {
    const root = rootElement(doc);
    return { node: root, parent: root, position: -1 };
  }
  const matches = selectElements(doc, segments);
  if (matches.length > 1) {
    throw new RuleError(`path ${segments.map(formatSegment).join('/')} matches ${matches.length} elements: ${describeMatches(doc, segments, table)}; add a key, e.g. [fullName=…], or a position [n]`);
  }
  return matches[0];
}

/** Explains where an address stops matching: the longest prefix that selects something. */
function noMatch(doc: XmlDocument, segments: readonly AddressSegment[]): RuleError {
  let matched = 0;
  for (let length = 1; length <= segments.length; length++) {
    if (selectElements(doc, segments.slice(0, length)).length === 0) break;
    matched = length;
  }
  const full = segments.map(formatSegment).join('/');
  const missing = formatSegment(segments[matched]);
  const under = matched ? ` under ${segments.slice(0, matched).map(formatSegment).join('/')}` : '';
  return new RuleError(`path ${full} matches nothing: there is no ${missing}${under}`);
}

function setLeaf(doc: XmlDocument, segments: readonly AddressSegment[], value: string, expect: string | undefined, table: ReturnType<typeof elementKeysFor>): Outcome {
  if (segments.length === 0) throw new RuleError('set needs a path to a leaf element');
  const last = segments[segments.length - 1];
  if (last.name.startsWith('@')) {
    const match = selectOne(doc, segments.slice(0, -1), table);
    if (!match) throw noMatch(doc, segments.slice(0, -1));
    const attrs = (match.node[':@'] ?? {}) as Record<string, string>;
    const key = `@_${last.name.slice(1)}`;
    if (attrs[key] === value) return { status: 'unchanged' };
    const review = expect !== undefined && attrs[key] !== expect;
    match.node[':@'] = { ...attrs, [key]: value };
    return review ? { status: 'review', message: `expected ${JSON.stringify(expect)}, the base has ${JSON.stringify(attrs[key] ?? null)}: review the patch` } : { status: 'applied' };
  }
  const match = selectOne(doc, segments, table);
  if (!match) {
    const parent = selectOne(doc, segments.slice(0, -1), table);
    if (!parent) throw noMatch(doc, segments);
    if (last.keys.length || last.index !== undefined) throw noMatch(doc, segments);
    const siblings = childNodes(parent.node);
    siblings.push(makeElement(last.name, value));
    return expect !== undefined ? { status: 'review', message: `expected ${JSON.stringify(expect)}, the base has no ${last.name}: review the patch` } : { status: 'applied' };
  }
  const current = textOf(match.node);
  if (current === undefined) throw new RuleError(`${formatSegment(last)} has child elements: set replaces the text of a leaf; use remove + add for a whole element`);
  if (current === value) return { status: 'unchanged' };
  setText(match.node, value);
  if (expect !== undefined && current !== expect) return { status: 'review', message: `expected ${JSON.stringify(expect)}, the base now has ${JSON.stringify(current)}: review the patch` };
  return { status: 'applied' };
}

function removeElement(doc: XmlDocument, segments: readonly AddressSegment[], expect: string | undefined, table: ReturnType<typeof elementKeysFor>): Outcome {
  const last = segments[segments.length - 1];
  if (last.name.startsWith('@')) {
    const match = selectOne(doc, segments.slice(0, -1), table);
    const attrs = (match?.node[':@'] ?? {}) as Record<string, string>;
    const key = `@_${last.name.slice(1)}`;
    if (!match || !(key in attrs)) return { status: 'stale', message: `path ${segments.map(formatSegment).join('/')} matches nothing: the patch touches nothing` };
    match.node[':@'] = Object.fromEntries(Object.entries(attrs).filter(([name]) => name !== key));
    return { status: 'applied' };
  }
  const match = selectOne(doc, segments, table);
  if (!match) return { status: 'stale', message: `path ${segments.map(formatSegment).join('/')} matches nothing: the patch touches nothing` };
  const review = expect !== undefined && textOf(match.node) !== expect && elementFingerprint(match.node) !== expect;
  const siblings = childNodes(match.parent);
  siblings.splice(siblings.indexOf(match.node), 1);
  return review ? { status: 'review', message: `expected ${expect}, the element in the base differs (${elementFingerprint(match.node)}): review the patch` } : { status: 'applied' };
}

function addElements(doc: XmlDocument, segments: readonly AddressSegment[], xml: string, label: string, table: ReturnType<typeof elementKeysFor>): Outcome {
  const parent = selectOne(doc, segments, table);
  if (!parent) throw noMatch(doc, segments);
  const fragment = parseXmlFragment(xml, label);
  if (fragment.length === 0) throw new RuleError('add holds no XML element');
  const siblings = childNodes(parent.node);
  const prefix = segments.map((segment) => segment.name).join('/');
  let changed = false;
  for (const element of fragment) {
    const name = elementName(element)!;
    const spec = table.get(prefix ? `${prefix}/${name}` : name) ?? { key: ['fullName'] };
    const keyOf = (node: XmlNode): string | undefined => {
      const values = spec.key.map((key) => textOf(childElements(node, key)[0] ?? makeElement(key)) ?? '');
      return values.every((v) => v === '') ? undefined : values.join('\u0000');
    };
    const id = keyOf(element);
    const sameName = childElements(parent.node, name);
    const existing = id !== undefined ? sameName.find((node) => keyOf(node) === id) : sameName.find((node) => serializeCanonical(canonicalize(node)) === serializeCanonical(canonicalize(element)));
    if (existing) {
      if (serializeCanonical(canonicalize(existing)) === serializeCanonical(canonicalize(element))) continue;
      siblings.splice(siblings.indexOf(existing), 1, element);
      changed = true;
      continue;
    }
    const lastSame = sameName[sameName.length - 1];
    if (lastSame) siblings.splice(siblings.indexOf(lastSame) + 1, 0, element);
    else siblings.push(element);
    changed = true;
  }
  return { status: changed ? 'applied' : 'unchanged' };
}

/**
 * What the Metadata API would refuse, checked after a patch: an element with an empty fullName, a keyed entry with
 * an empty key, a decomposed child whose fullName no longer names its file.
 */
function checkAcceptable(doc: XmlDocument, component: Component, table: ReturnType<typeof elementKeysFor>): void {
  const root = rootElement(doc);
  const walk = (node: XmlNode, path: string, address: string): void => {
    for (const child of childElements(node)) {
      const name = elementName(child)!;
      const tagPath = path ? `${path}/${name}` : name;
      const here = address ? `${address}/${name}` : name;
      const elements = childElements(child);
      if (elements.length) {
        const fullName = childElements(child, 'fullName')[0];
        if (fullName && (textOf(fullName) ?? '').trim() === '') throw new RuleError(`the result has an empty fullName in ${here}: the Metadata API requires one`);
        const spec = table.get(tagPath);
        if (spec && spec.key.every((key) => (textOf(childElements(child, key)[0] ?? makeElement(key)) ?? '').trim() === '')) {
          throw new RuleError(`the result has a ${name} element without ${spec.key.join('/')}: the Metadata API requires it`);
        }
        walk(child, tagPath, here);
      }
    }
  };
  walk(root, '', '');
  const own = childElements(root, 'fullName')[0];
  if (own) {
    const text = (textOf(own) ?? '').trim();
    if (text === '') throw new RuleError(`the result has an empty fullName: the Metadata API requires one for ${component.key}`);
    if (component.parent && text !== component.fullName.slice(component.fullName.lastIndexOf('.') + 1) && text !== component.fullName) {
      throw new RuleError(`the result's fullName "${text}" no longer names ${component.key} (its file would deploy as another component)`);
    }
  }
}

// ---- helpers ------------------------------------------------------------------------------------------------

/** Drops whitespace-only text beside child elements, in place, at every depth (the builder re-indents). */
function dropFormatting(nodes: XmlNode[]): XmlNode[] {
  const hasElements = nodes.some((node) => elementName(node) !== undefined);
  if (hasElements) {
    for (let index = nodes.length - 1; index >= 0; index--) {
      const text = nodes[index]['#text'];
      if (text !== undefined && /^\s*$/.test(String(text))) nodes.splice(index, 1);
    }
  }
  for (const node of nodes) if (elementName(node) !== undefined) dropFormatting(childNodes(node));
  return nodes;
}

/** A component's files as they are on disk: each file of a merged one (merged-file.ts), so path rules reach each. */
function filesOf(component: Component): SnapshotFile[] {
  const xml = component.xml ? component.xml.parts ?? [component.xml] : [];
  return [...xml, ...component.content];
}

function mergeComponent(known: Component | undefined, resolved: Component): Component {
  if (!known) return resolved;
  const paths = new Map<string, SnapshotFile>();
  for (const file of filesOf(known)) paths.set(file.path, file);
  for (const file of filesOf(resolved)) paths.set(file.path, file);
  const xml = resolved.xml ?? known.xml;
  const content = [...paths.values()].filter((file) => file.path !== xml?.path).sort((a, b) => (a.path < b.path ? -1 : 1));
  return { ...known, xml: xml ? paths.get(xml.path) : undefined, content, hash: known.hash };
}

/**
 * A component SDR merges on deploy (CustomLabels) with the files/ an overlay gives it: a file at a path the component
 * has replaces that file; one at another path (a package directory that had none) is one more file of the merged one.
 */
function mergeFiles(known: Component, resolved: Component, rank: (path: string) => number): Component {
  const xml = new Map<string, SnapshotFile>();
  for (const file of [known, resolved].flatMap((component) => (component.xml ? component.xml.parts ?? [component.xml] : []))) xml.set(file.path, file);
  if (xml.size < 2) return mergeComponent(known, resolved);
  const parts = [...xml.values()].sort((a, b) => rank(a.path) - rank(b.path) || (a.path < b.path ? -1 : 1));
  const content = new Map<string, SnapshotFile>();
  for (const file of [...known.content, ...resolved.content]) content.set(file.path, file);
  return { ...known, xml: mergedFile(parts[0], parts.slice(1)), content: [...content.values()].sort((a, b) => (a.path < b.path ? -1 : 1)), hash: known.hash };
}

/** Replaces every occurrence, except where the replacement already stands (so applying twice changes nothing). */
export function replaceString(text: string, search: string, replacement: string): string {
  const offset = replacement.indexOf(search);
  let result = '';
  let at = 0;
  for (let found = text.indexOf(search); found !== -1; found = text.indexOf(search, found + search.length)) {
    if (offset >= 0 && found - offset >= 0 && text.startsWith(replacement, found - offset)) continue;
    result += text.slice(at, found) + replacement;
    at = found + search.length;
  }
  return result + text.slice(at);
}

export function describeExclude(rule: ExcludeRule): string {
  const parts = [rule.component ? `component ${rule.component}` : undefined, rule.type ? `type ${rule.type}` : undefined, rule.name ? `name ${rule.name}` : undefined, rule.path ? `path ${rule.path}` : undefined];
  return `exclude ${parts.filter(Boolean).join(', ')}`;
}

export function describePatch(rule: PatchRule): string {
  const at = `${rule.component}${rule.path ? ` ${rule.path}` : ''}`;
  switch (rule.operation.op) {
    case 'set':
      return `set ${at} = ${JSON.stringify(rule.operation.value)}`;
    case 'remove':
      return `remove ${at}`;
    case 'add':
      return `add to ${at}: ${rule.operation.xml.replace(/\s+/g, ' ').trim().slice(0, 80)}`;
  }
}

export function describeReplace(rule: ReplaceRule): string {
  // overlay.schema.json requires one of each pair: stringToReplace or regexToReplace, filename or glob, and one source.
  const what = rule.regexToReplace !== undefined ? `/${rule.regexToReplace}/` : JSON.stringify(rule.stringToReplace);
  const withWhat = rule.replaceWithEnv !== undefined ? `$${rule.replaceWithEnv}` : rule.replaceWithFile !== undefined ? `file ${rule.replaceWithFile}` : JSON.stringify(rule.replaceWith);
  const where = rule.filename ?? rule.glob ?? '';
  return `replace ${what} with ${withWhat} in ${where}`;
}
