import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { isMap, isSeq, YAMLSeq, type Document } from 'yaml';
import { RegistryAccess } from '../metadata/sdr.js';
import { compareSnapshots } from '../compare/compare.js';
import { elementKeysFor } from '../metadata/elements.js';
import type { Change, ElementChange } from '../compare/types.js';
import { ExitCode } from '../exit-codes.js';
import { parseAddress, selectElements, formatSegment } from '../metadata/address.js';
import type { Component, ProgressListener, Snapshot, SnapshotFile } from '../metadata/types.js';
import { buildXmlDocument, childElements, parseXmlDocument, parseXmlFragment, rootElement, textOf, type XmlNode } from '../metadata/xml.js';
import { parseYamlText } from '../pipeline/yaml-file.js';
import { applyOverlay, elementFingerprint, type UnevaluatedPatch } from './apply.js';
import { FILES_DIR, OVERLAY_FILE, overlayFromYaml, readOverlayFiles } from './load.js';
import { overlayMessages as messages } from './messages.js';
import { childTypesOf, parentTypeOf, type ChildTypeInfo } from './registry-children.js';
import { overlaySecrets, redacted } from './secrets.js';
import type { Overlay, OverlayFile } from './types.js';
import { unevaluatedPatchOf } from './unevaluated.js';
import { referencedValues } from './values.js';

export type CaptureOptions = {
  /** The overlay folder (created when missing). */
  readonly overlayDir: string;
  /** The project's package directories (files/ paths are project-relative). */
  readonly packageDirs: readonly string[];
  readonly stage?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly registry?: RegistryAccess;
  /** Compute, do not write. */
  readonly dryRun?: boolean;
  readonly onProgress?: ProgressListener;
};

/** One rule capture adds (or updates) in overlay.yml, or a file it writes into files/. */
export type CapturedRule = {
  readonly kind: 'exclude' | 'patch' | 'file';
  readonly component: string;
  readonly description: string;
};

export type CaptureResult = {
  readonly overlayDir: string;
  readonly overlayFile: string;
  readonly dryRun: boolean;
  readonly rules: readonly CapturedRule[];
  /** files/ paths written (project-relative). */
  readonly files: readonly string[];
  /** Differences the captured overlay still does not explain (should be none). */
  readonly unexplained: readonly string[];
  /**
   * What the overlay gives the region and the region does not have yet (`diff --region`'s "not promoted"): a rule for
   * the next release, left as written.
   */
  readonly notPromoted: readonly string[];
  /** The new overlay.yml text. */
  readonly yaml: string;
};

type PlainRule = Record<string, unknown>;

/**
 * Turns the drift between `from` (global) and `to` (the region) into overlay rules: patches for changed elements,
 * excludes for what the region lacks, files/ for what only the region has (and for changes no patch can express).
 * The rules are merged into overlay.yml keeping its comments and order; the merged overlay is applied to `from`
 * again to check it explains the drift. Nothing is written on error, or with dryRun.
 */
export async function captureOverlay(from: Snapshot, to: Snapshot, options: CaptureOptions): Promise<CaptureResult> {
  const registry = options.registry ?? new RegistryAccess();
  const overlayFile = join(options.overlayDir, OVERLAY_FILE);
  const text = existsSync(overlayFile) ? readFileSync(overlayFile, 'utf8') : '';
  const parsed = parseYamlText(text, overlayFile);
  if (!parsed.yaml) throw messages.createError('error.CaptureFailed', [`${overlayFile}:${parsed.problems[0]?.line ?? 1}: ${parsed.problems[0]?.message}`], [], ExitCode.BadInput);
  const existingFiles = existsSync(options.overlayDir) ? readOverlayFiles(options.overlayDir) : [];
  const current: Overlay = { ...overlayFromYaml(parsed.yaml, { packageDirs: options.packageDirs, dir: existsSync(options.overlayDir) ? options.overlayDir : undefined }), files: existingFiles };

  options.onProgress?.({ kind: 'phase', message: messages.getMessage('progress.Capturing') });
  const applyOptions = { stage: options.stage, env: options.env, registry, lenientEnv: true };
  const applied = await applyOverlay(from, current, applyOptions);
  const [residual, between] = await Promise.all([compareSnapshots(applied.snapshot, to, { registry }), compareSnapshots(from, to, { registry })]);
  // Only what differs between the two sources is drift to capture. What differs only once the overlay is applied is a
  // rule (a patch, a file of files/) the region has not received yet: rewriting it to match the region would undo it.
  const differing = new Map(between.changes.map((change) => [change.key, change]));
  // Elements set by a rule capture must not rewrite: one skipped for want of a secret (what it makes is unknown here),
  // one written with ${VALUES} (a literal would replace the value of every stage); they are reported instead.
  const kept = keptRules(current, applied.unevaluated);
  const held: string[] = [];
  const judged = (change: Change): Change[] => {
    if (change.kind !== 'changed' || !change.elements.length) return [change];
    const elements = change.elements.filter((element) => {
      const reason = kept(change.key, element.path);
      if (reason && !held.includes(`${change.key} ${element.path}: ${reason}`)) held.push(`${change.key} ${element.path}: ${reason}`);
      return !reason;
    });
    if (elements.length === change.elements.length) return [change];
    return elements.length ? [{ ...change, elements }] : [];
  };
  const drift = (changes: readonly Change[]): Change[] => changes.flatMap((change) => splitByBetween(change, differing.get(change.key)).drift).flatMap(judged);
  const notPromoted = residual.changes.flatMap((change) => splitByBetween(change, differing.get(change.key)).notPromoted);

  const plan = new Plan(applied.snapshot, to, registry, options.packageDirs, overlaySecrets(current, options.env ?? process.env));
  for (const change of drift(residual.changes)) await plan.capture(change); // eslint-disable-line no-await-in-loop

  let doc = parsed.yaml.doc;
  mergeRules(doc, plan.excludes, plan.patches, `captured from ${to.source.spec}`);
  let files = mergeFiles(existingFiles, plan.files);
  let next = overlayWith(doc, overlayFile, options, files);

  // Check: the merged overlay explains the drift. What it still does not explain becomes whole files.
  let check = drift((await compareSnapshots((await applyOverlay(from, next, applyOptions)).snapshot, to, { registry })).changes);
  if (check.length) {
    for (const change of check) await plan.wholeFiles(change); // eslint-disable-line no-await-in-loop
    files = mergeFiles(existingFiles, plan.files);
    doc = parsed.yaml.doc;
    next = overlayWith(doc, overlayFile, options, files);
    check = drift((await compareSnapshots((await applyOverlay(from, next, applyOptions)).snapshot, to, { registry })).changes);
  }
  const yaml = String(doc);
  const written = plan.files.map((file) => file.path);
  if (!options.dryRun && (plan.rules.length || written.length)) await writeCapture(options.overlayDir, overlayFile, yaml, plan.files);
  return {
    overlayDir: options.overlayDir,
    overlayFile,
    dryRun: options.dryRun === true,
    rules: plan.rules,
    files: written,
    unexplained: [...held, ...describeChanges(check)],
    notPromoted: describeChanges(notPromoted),
    yaml,
  };
}

function overlayWith(doc: Document.Parsed, file: string, options: CaptureOptions, files: readonly OverlayFile[]): Overlay {
  const reparsed = parseYamlText(String(doc), file);
  if (!reparsed.yaml) throw messages.createError('error.CaptureFailed', [reparsed.problems.map((problem) => problem.message).join('; ')], [], ExitCode.BadInput);
  return { ...overlayFromYaml(reparsed.yaml, { packageDirs: options.packageDirs, dir: existsSync(options.overlayDir) ? options.overlayDir : undefined }), files };
}

function mergeFiles(existing: readonly OverlayFile[], captured: readonly OverlayFile[]): OverlayFile[] {
  const byPath = new Map(existing.map((file) => [file.path, file]));
  for (const file of captured) byPath.set(file.path, file);
  return [...byPath.values()];
}

/**
 * Why capture keeps the rule that sets an element of a component as written, if it must: a patch skipped for want of
 * a secret, or one whose value is written with `${VALUES}`.
 */
function keptRules(overlay: Overlay, unevaluated: readonly UnevaluatedPatch[]): (key: string, path: string) => string | undefined {
  const skipped = unevaluatedPatchOf(unevaluated);
  const valued = overlay.patches.filter((rule) => rule.operation.op === 'set' && referencedValues(rule.operation.value).length > 0);
  return (key, path) => {
    const patch = skipped(key, path);
    if (patch) return `set by the overlay as ${JSON.stringify(patch.written)}, whose value is not set here: left as written`;
    const rule = valued.find((each) => each.component === key && (each.path ?? '') === path);
    if (rule && rule.operation.op === 'set') {
      return `set by the overlay as ${JSON.stringify(rule.operation.value)}: change the value (values: of ${referencedValues(rule.operation.value).join(', ')}) for the stage rather than the rule`;
    }
    return undefined;
  };
}

/**
 * A change between the applied overlay and the region, split into drift (what also differs between the sources) and
 * what is not promoted yet (what only the overlay changes): all of it when the sources agree on the component; for a
 * changed one, element by element (a rule not promoted yet, in a component the region also changed by hand).
 */
function splitByBetween(change: Change, between: Change | undefined): { drift: Change[]; notPromoted: Change[] } {
  if (!between) return { drift: [], notPromoted: [change] };
  if (change.kind !== 'changed' || between.kind !== 'changed' || !change.elements.length || !between.elements.length) return { drift: [change], notPromoted: [] };
  // Drift is judged against the base: a patch's `expect` is the base's value, not what the overlay made of it.
  const base = new Map(between.elements.map((element) => [element.path, element]));
  const paths = new Set(base.keys());
  // A list the region reordered is reported as the list (`…/value`, its keys in order), while between the sources the
  // region's changes to it are its members (`…/value[fullName=X]`): the region's order is drift too, not a rule.
  const ownList = (path: string): boolean => paths.has(path) || [...paths].some((each) => each.startsWith(`${path}[`));
  const drift = change.elements
    .filter((element) => ownList(element.path))
    .map((element) => (element.before !== undefined && base.get(element.path)?.before !== undefined ? { ...element, before: base.get(element.path)!.before } : element));
  const pending = change.elements.filter((element) => !ownList(element.path));
  return {
    drift: drift.length ? [{ ...change, elements: drift }] : [],
    notPromoted: pending.length ? [{ ...change, elements: pending }] : [],
  };
}

function describeChanges(changes: readonly Change[]): string[] {
  return changes.map((change) => `${change.kind} ${change.key}${change.elements.length ? ` (${change.elements.map((element) => element.path).join(', ')})` : ''}`);
}

class Plan {
  public readonly excludes: PlainRule[] = [];
  public readonly patches: PlainRule[] = [];
  public readonly files: OverlayFile[] = [];
  public readonly rules: CapturedRule[] = [];
  private readonly bare: boolean;

  public constructor(
    private readonly from: Snapshot,
    private readonly to: Snapshot,
    private readonly registry: RegistryAccess,
    private readonly packageDirs: readonly string[],
    private readonly secrets: ReadonlyMap<string, string> = new Map()
  ) {
    this.bare = from.packageDirs.length === 1 && from.packageDirs[0] === '.';
  }

  public async capture(change: Change): Promise<void> {
    const inFile = change.parent ? parentTypeOf(this.registry, change.type) : undefined;
    const inFileChild = inFile && !inFile.child.decomposed ? inFile.child : undefined;
    switch (change.kind) {
      case 'removed':
        this.exclude(change.type, change.fullName);
        return;
      case 'added':
        await this.captureAdded(change, inFileChild);
        return;
      case 'renamed':
        return;
      case 'changed':
        await this.captureChanged(change, inFileChild);
        return;
    }
  }

  /** For a change the patches could not reproduce: copy the region's files of the component whole. */
  public async wholeFiles(change: Change): Promise<void> {
    if (change.kind === 'removed') return;
    const key = change.parent && !this.to.components.get(change.key) ? change.parent : change.key;
    await this.copyComponent(key);
  }

  /** An in-file child added to a parent the base has becomes an `add` patch; anything else is copied whole. */
  private async captureAdded(change: Change, inFileChild: ChildTypeInfo | undefined): Promise<void> {
    if (inFileChild && change.parent && this.from.components.has(change.parent)) {
      const xml = await this.childXml(change.parent, inFileChild.tag, inFileChild.idElement, childId(change, inFileChild.ignoreParentName));
      if (xml) {
        this.patch(change.parent, '', { add: xml });
        return;
      }
    }
    await this.copyComponent(change.key);
  }

  /** Files other than the component's XML are copied whole; the XML's element changes become patches. */
  private async captureChanged(change: Change, inFileChild: ChildTypeInfo | undefined): Promise<void> {
    if (change.formattingOnly) return;
    // No patch sets the order of a list (picklist values the region reordered): the region's file goes whole.
    if (!inFileChild && change.elements.some((element) => this.isReordering(change.type, element))) {
      await this.copyComponent(change.key);
      return;
    }
    if (change.files?.some((path) => !this.isXmlOf(change.key, path))) {
      await this.copyComponent(change.key, change.files);
      if (!change.elements.length) return;
    }
    const { component, prefix } = this.patchTarget(change, inFileChild ? { tag: inFileChild.tag, idElement: inFileChild.idElement, ignoreParentName: inFileChild.ignoreParentName } : undefined);
    const fromComponent = this.from.components.get(inFileChild ? change.parent! : change.key);
    const fromDoc = fromComponent?.xml ? parseXmlDocument(await fromComponent.xml.read(), fromComponent.xml.path) : undefined;
    for (const element of change.elements) {
      const path = prefix ? `${prefix}/${element.path}` : element.path;
      // An in-file child's elements are addressed through the parent's document, where the prefix applies too.
      const baseNode = (): XmlNode | undefined => (fromDoc ? selectElements(fromDoc, inFileChild ? path : element.path)[0]?.node : undefined);
      this.patchElement(component, path, element, baseNode);
    }
  }

  /** One element change as a patch: `set` when changed, `remove` (expecting the base's element), `add` or `set` when added. */
  private patchElement(component: string, path: string, element: ElementChange, baseNode: () => XmlNode | undefined): void {
    if (element.kind === 'changed') {
      this.patch(component, path, { set: element.after ?? '', ...(element.before !== undefined ? { expect: element.before } : {}) });
    } else if (element.kind === 'removed') {
      const node = baseNode();
      this.patch(component, path, { remove: true, ...(node ? { expect: elementFingerprint(node) } : {}) });
    } else {
      const segments = parseAddress(path);
      const last = segments[segments.length - 1];
      const after = element.after ?? '';
      const parentPath = segments.slice(0, -1).map(formatSegment).join('/');
      if (isElementXml(after, last.name)) this.patch(component, parentPath, { add: after });
      else if (!last.keys.length && last.index === undefined) this.patch(component, path, { set: after });
      else this.patch(component, parentPath, { add: `<${last.name}>${after}</${last.name}>` });
    }
  }

  private exclude(type: string, fullName: string): void {
    this.excludes.push({ type, name: escapeGlob(fullName) });
    this.rules.push({ kind: 'exclude', component: `${type}:${fullName}`, description: `exclude ${type}:${fullName}` });
  }

  private patch(component: string, path: string, operation: PlainRule): void {
    // A value is written as the region has it: a `${` in it is literal text, not a reference to an overlay value; a
    // secret the overlay reads from the environment goes back to its reference, never into overlay.yml.
    const literal = (text: unknown): unknown => (typeof text === 'string' ? redacted(text.split('${').join('$${'), this.secrets) : text);
    const written: PlainRule = {
      ...operation,
      ...('set' in operation ? { set: literal(operation.set) } : {}),
      ...('add' in operation ? { add: literal(operation.add) } : {}),
      ...('expect' in operation ? { expect: redacted(operation.expect, this.secrets) } : {}),
    };
    const rule: PlainRule = { component, ...(path ? { path } : {}), ...written };
    this.patches.push(rule);
    const op = 'set' in written ? `set ${path} = ${JSON.stringify(written.set)}` : 'remove' in written ? `remove ${path}` : `add to ${path || '(root)'}`;
    this.rules.push({ kind: 'patch', component, description: `${component}: ${op}` });
  }

  /** Decomposed children are patched through their parent (`CustomObject:Account` + `fields[fullName=X]/…`); in-file children through theirs. */
  private patchTarget(change: Change, inFile?: { tag: string; idElement: string; ignoreParentName: boolean }): { component: string; prefix: string } {
    if (inFile && change.parent) {
      return { component: change.parent, prefix: formatSegment({ name: inFile.tag, keys: [[inFile.idElement, childId(change, inFile.ignoreParentName)]] }) };
    }
    if (change.parent) {
      const parentType = change.parent.slice(0, change.parent.indexOf(':'));
      const info = childTypesOf(this.registry, parentType).find((child) => child.decomposed && child.name === change.type);
      if (info) return { component: change.parent, prefix: formatSegment({ name: info.tag, keys: [[info.idElement, childId(change, false)]] }) };
    }
    return { component: change.key, prefix: '' };
  }

  /** An order change of an ordered keyed list: the list's address without a key, for the list as a whole. */
  private isReordering(type: string, element: ElementChange): boolean {
    if (element.kind !== 'changed') return false;
    const segments = parseAddress(element.path);
    const last = segments[segments.length - 1];
    if (last.keys.length || last.index !== undefined || last.name.startsWith('@')) return false;
    return elementKeysFor(this.registry, type).get(segments.map((segment) => segment.name).join('/'))?.ordered === true;
  }

  private isXmlOf(key: string, path: string): boolean {
    return this.to.components.get(key)?.xml?.path === path || this.from.components.get(key)?.xml?.path === path;
  }

  private async childXml(parentKey: string, tag: string, idElement: string, id: string): Promise<string | undefined> {
    const parent = this.to.components.get(parentKey);
    if (!parent?.xml) return undefined;
    const doc = parseXmlDocument(await parent.xml.read(), parent.xml.path);
    const node = childElements(rootElement(doc), tag).find((candidate) => textOf(childElements(candidate, idElement)[0] ?? { [idElement]: [] }) === id);
    return node ? fragmentText(node) : undefined;
  }

  /** Copies files of a region component into files/, at the paths the base would hold them. */
  private async copyComponent(key: string, only?: readonly string[]): Promise<void> {
    const component = this.to.components.get(key);
    if (!component) return;
    const files = filesOf(component).filter((file) => !only || only.includes(file.path));
    for (const file of files) {
      const path = this.projectPath(this.basePath(component, file));
      // eslint-disable-next-line no-await-in-loop
      const bytes = await file.read();
      const known = this.files.findIndex((entry) => entry.path === path);
      const entry: OverlayFile = { kind: 'file', id: `${FILES_DIR}/${path}`, path, bytes };
      if (known >= 0) this.files[known] = entry;
      else {
        this.files.push(entry);
        this.rules.push({ kind: 'file', component: key, description: `${FILES_DIR}/${path}` });
      }
    }
  }

  /** Where the base keeps (or would keep) a file of a region component: same folder as the base's component, parent or type. */
  private basePath(component: Component, file: SnapshotFile): string {
    const known = this.from.components.get(component.key);
    const toBase = baseDir(component);
    if (known) return posix.join(baseDir(known), posix.relative(toBase, file.path));
    const parent = component.parent ? this.from.components.get(component.parent) : undefined;
    const toParent = component.parent ? this.to.components.get(component.parent) : undefined;
    if (parent && toParent) return posix.join(baseDir(parent), posix.relative(baseDir(toParent), file.path));
    // In a package directory both sides have (the region's copy of the project), the region's path is where it goes:
    // another package directory's folder of the type would put it elsewhere, and the build would differ by its place.
    if (this.sharedPackageDirOf(file.path)) return file.path;
    let directory: string | undefined;
    try {
      directory = this.registry.getTypeByName(component.type).directoryName;
    } catch {
      directory = undefined;
    }
    if (directory) {
      const marker = `/${directory}/`;
      const at = `/${file.path}`.lastIndexOf(marker);
      if (at >= 0) {
        const tail = `/${file.path}`.slice(at + 1);
        for (const other of this.from.components.values()) {
          const path = other.xml?.path ?? other.content[0]?.path;
          const index = path ? `/${path}`.lastIndexOf(marker) : -1;
          if (path && index >= 0) return posix.join(`/${path}`.slice(1, index + 1), tail);
        }
        const root = this.bare ? 'main/default' : `${this.from.packageDirs[0] ?? 'force-app'}/main/default`;
        return posix.join(root, tail);
      }
    }
    return file.path;
  }

  /** The package directory (not a bare folder's `.`) that both sides declare and that holds `path`, if any. */
  private sharedPackageDirOf(path: string): string | undefined {
    return this.from.packageDirs.find((dir) => dir !== '.' && this.to.packageDirs.includes(dir) && path.startsWith(`${dir}/`));
  }

  private projectPath(snapshotPath: string): string {
    return this.bare && this.packageDirs.length ? `${this.packageDirs[0]}/${snapshotPath}` : snapshotPath;
  }
}

function childId(change: Change, ignoreParentName: boolean): string {
  if (ignoreParentName) return change.fullName;
  const parentName = change.parent ? change.parent.slice(change.parent.indexOf(':') + 1) : '';
  return parentName && change.fullName.startsWith(`${parentName}.`) ? change.fullName.slice(parentName.length + 1) : change.fullName;
}

function isElementXml(text: string, name: string): boolean {
  if (!text.trimStart().startsWith(`<${name}`)) return false;
  try {
    const nodes = parseXmlFragment(text, 'capture');
    return nodes.length === 1 && Object.prototype.hasOwnProperty.call(nodes[0], name);
  } catch {
    return false;
  }
}

/** An element as indented XML text, for an `add:` block. */
function fragmentText(node: XmlNode): string {
  const built = buildXmlDocument([node]);
  return built.slice(built.indexOf('\n') + 1);
}

function filesOf(component: Component): SnapshotFile[] {
  return component.xml ? [component.xml, ...component.content] : [...component.content];
}

function baseDir(component: Component): string {
  const first = component.xml ?? component.content[0];
  return first ? posix.dirname(first.path) : '';
}

/** Escapes picomatch's special characters so a fullName matches itself only. */
export function escapeGlob(name: string): string {
  return name.replace(/[\\*?[\]{}()!+@|]/g, (char) => `\\${char}`);
}

/**
 * Merges captured rules into the overlay document, keeping comments and order: a patch for the same component, path
 * and operation replaces the old one in place; everything else is appended with a comment saying where it came from.
 */
function mergeRules(doc: Document.Parsed, excludes: readonly PlainRule[], patches: readonly PlainRule[], comment: string): void {
  // The document is edited in place: it keeps the comments and layout of the user's overlay.yml.
  // eslint-disable-next-line no-param-reassign -- an empty or scalar overlay.yml gets a mapping to add sections to
  if (!isMap(doc.contents)) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  const section = (name: string): YAMLSeq => {
    let seq = doc.get(name, true);
    if (!isSeq(seq)) {
      seq = new YAMLSeq();
      doc.set(name, seq);
    }
    // A flow sequence (`exclude: []`) takes the captured rules, and their comment, as block items: readable, reviewable.
    (seq as YAMLSeq).flow = false;
    return seq as YAMLSeq;
  };
  const opOf = (rule: PlainRule): string => ('set' in rule ? 'set' : 'remove' in rule ? 'remove' : 'add');
  let first = true;
  const append = (seq: YAMLSeq, rule: PlainRule): void => {
    const node = doc.createNode(rule);
    if (first) {
      node.commentBefore = ` ${comment}`;
      first = false;
    }
    seq.items.push(node);
  };
  if (excludes.length) {
    const seq = section('exclude');
    for (const rule of excludes) {
      const exists = seq.items.some((item) => isMap(item) && item.get('type') === rule.type && item.get('name') === rule.name);
      if (!exists) append(seq, rule);
    }
  }
  if (patches.length) {
    const seq = section('patches');
    for (const rule of patches) {
      const index = seq.items.findIndex((item) => {
        if (!isMap(item)) return false;
        const plain = item.toJSON() as PlainRule;
        return plain.component === rule.component && (plain.path ?? '') === (rule.path ?? '') && opOf(plain) === opOf(rule) && opOf(rule) !== 'add';
      });
      if (index >= 0) {
        const old = seq.items[index] as { commentBefore?: string | null; comment?: string | null };
        const node = doc.createNode(rule);
        node.commentBefore = old.commentBefore;
        node.comment = old.comment;
        seq.items[index] = node;
      } else append(seq, rule);
    }
  }
}

/** Writes files/ entries and overlay.yml, each through a temporary file renamed into place. */
async function writeCapture(dir: string, overlayFile: string, yaml: string, files: readonly OverlayFile[]): Promise<void> {
  const temps: Array<[string, string]> = [];
  try {
    for (const file of files) {
      const target = join(dir, FILES_DIR, ...file.path.split('/'));
      await mkdir(dirname(target), { recursive: true }); // eslint-disable-line no-await-in-loop
      const temp = `${target}.sf-federate-tmp`;
      await writeFile(temp, file.bytes); // eslint-disable-line no-await-in-loop
      temps.push([temp, target]);
    }
    await mkdir(dir, { recursive: true });
    const temp = `${overlayFile}.sf-federate-tmp`;
    await writeFile(temp, yaml);
    temps.push([temp, overlayFile]);
  } catch (error) {
    await Promise.all(temps.map(([temp]) => rm(temp, { force: true })));
    throw error;
  }
  for (const [temp, target] of temps) await rename(temp, target); // eslint-disable-line no-await-in-loop
}
