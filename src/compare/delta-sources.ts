import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, posix, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SfError } from '@salesforce/core';
import { XMLValidator } from 'fast-xml-parser';
import type { RegistryAccess } from '@salesforce/source-deploy-retrieve';
import { ExitCode } from '../exit-codes.js';
import { parseAddress } from '../metadata/address.js';
import { elementKeysFor, type ElementKey } from '../metadata/elements.js';
import { gitMessages as messages } from '../metadata/git/messages.js';
import { metadataMessages } from '../metadata/messages.js';
import { mapLimit } from '../metadata/snapshot.js';
import type { Component, Snapshot, SnapshotFile } from '../metadata/types.js';
import { buildXmlDocument, childElements, elementName, parseXmlDocument, rootElement, textOf, type XmlNode } from '../metadata/xml.js';
import { cut, leafText, scanTopLevel, withoutBom, type TopLevelElement } from './prune.js';
import type { Change, Changeset } from './types.js';

export type DeltaSourceOptions = {
  /** The project's registry (`registryFor(projectDir)`), so presets and customizations apply. */
  readonly registry: RegistryAccess;
  /**
   * Texts of changed `to` files that compare already scanned, with the keyed entries equal on both sides cut out
   * (`CompareOptions.onPrunedTo`), by path: pruning starts from them instead of reading and scanning the whole file
   * again. Cutting those entries first changes nothing, since an entry equal on both sides is never selected.
   */
  readonly prunedTexts?: ReadonlyMap<string, string>;
};

/**
 * Types whose file is written pruned when it changed: only the entries that changed, plus every element that is not
 * a keyed entry (`custom`, `userLicense`, `label`… what the Metadata API needs to accept the file). The Metadata API
 * merges these files into what the org has, so leaving unchanged entries out changes nothing. Containers of in-file
 * children (CustomLabels, Workflow, SharingRules…) are pruned too; SDR's registry says which those are.
 */
const PRUNED_TYPES = new Set(['Profile', 'Translations', 'CustomObjectTranslation', 'GlobalValueSetTranslation', 'StandardValueSetTranslation']);

/** Files copied at once: enough to overlap reads and writes, few enough to keep memory flat. */
const COPY_CONCURRENCY = 32;

type Plan =
  | { readonly kind: 'copy'; readonly file: SnapshotFile; readonly parentIfMasterDetail?: SnapshotFile }
  | { readonly kind: 'prune'; readonly file: SnapshotFile; readonly component: Component; readonly keep: Selection };

/** What to keep in a pruned file: keyed entries by element name and key values; whether unkeyed elements changed. */
type Selection = { entries: Map<string, Set<string>>; unkeyedChanged: boolean };

/**
 * Writes a deployable source tree of just the delta under `outputDir`: every added, changed or renamed component
 * with all its files (meta XML and content, whole bundles), the parent XML a child needs (a master-detail field's
 * object, a field translation's object translation), and for in-file types the file pruned to the changed entries.
 * Paths are those of `to` (relative to its root, e.g. `force-app/main/default/...`), so `sf project deploy start -d
 * <outputDir>` takes it. Written into a temporary folder inside `outputDir`, moved into place at the end: on failure
 * nothing is left. Returns the written files, relative to `outputDir`.
 */
export async function writeDeltaSources(changeset: Changeset, to: Snapshot, outputDir: string, options: DeltaSourceOptions): Promise<{ files: string[] }> {
  const plans = planDelta(changeset, to, options.registry);
  const target = resolve(outputDir);
  await mkdir(target, { recursive: true });
  const temp = await mkdtemp(join(target, '.delta-sources-'));
  try {
    const folderRoot = to.source.kind === 'dir' && to.source.format === 'source' ? to.source.label : undefined;
    // One mkdir per folder, awaited by every file that goes there.
    const made = new Map<string, Promise<unknown>>();
    const ensureDir = (dir: string): Promise<unknown> => {
      let making = made.get(dir);
      if (!making) made.set(dir, (making = mkdir(dir, { recursive: true })));
      return making;
    };
    const copyOne = async (path: string): Promise<void> => {
      const plan = plans.get(path)!;
      const destination = join(temp, ...path.split('/'));
      await ensureDir(dirname(destination));
      if (plan.kind === 'prune') {
        const text = options.prunedTexts?.get(path) ?? withoutBom((await readOrFail(plan.file, to)).toString('utf8'));
        const pruned = prune(text, plan.file, plan.component, plan.keep, options.registry, to);
        if (pruned !== undefined) await writeFile(destination, pruned);
      } else if (folderRoot && !plan.parentIfMasterDetail) {
        // A folder's bytes are copied as a stream, never held whole nor parsed.
        await pipeline(createReadStream(join(folderRoot, ...path.split('/'))), createWriteStream(destination));
      } else {
        const bytes = await readOrFail(plan.file, to);
        if (path.endsWith('.xml')) assertXml(bytes, to, path);
        await writeFile(destination, bytes);
        const parent = plan.parentIfMasterDetail;
        if (parent && !plans.has(parent.path) && MASTER_DETAIL.test(bytes.toString('utf8'))) {
          // A master-detail field deploys with its object (the object's sharing model depends on it).
          plans.set(parent.path, { kind: 'copy', file: parent });
          await copyOne(parent.path);
        }
      }
    };
    await mapLimit([...plans.keys()], COPY_CONCURRENCY, copyOne);
    const paths = [...plans.keys()].sort();
    const written = paths.filter((path) => existsSync(join(temp, ...path.split('/'))));
    for (const entry of await readdir(temp)) {
      if (existsSync(join(target, entry))) {
        throw messages.createError('error.DeltaSourcesFailed', [to.source.label, `${join(target, entry)} already exists`], [], ExitCode.BadInput);
      }
    }
    // eslint-disable-next-line no-await-in-loop -- one at a time: a failed move stops before the next one
    for (const entry of await readdir(temp)) await rename(join(temp, entry), join(target, entry));
    return { files: written };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/**
 * Bytes that were never parsed (an added component's XML read from git) are checked before they are written, so that
 * a file git stores but that is not XML is refused with its source and path, and nothing is written.
 */
function assertXml(bytes: Buffer, snapshot: Snapshot, path: string): void {
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfe_ff) text = text.slice(1);
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) {
    throw metadataMessages.createError('error.MalformedXml', [`${snapshot.source.spec}:${path}`, verdict.err.line, verdict.err.col, verdict.err.msg], [], ExitCode.BadInput);
  }
}

async function readOrFail(file: SnapshotFile, snapshot: Snapshot): Promise<Buffer> {
  try {
    return await file.read();
  } catch (error) {
    if (error instanceof SfError) throw error;
    throw messages.createError('error.DeltaSourcesFailed', [snapshot.source.label, `${file.path}: ${(error as Error).message}`], [], ExitCode.External);
  }
}

/** Which file of `to` goes into the delta, and how (copied whole, or pruned), by path relative to the root. */
export function planDelta(changeset: Changeset, to: Snapshot, registry: RegistryAccess): Map<string, Plan> {
  const plans = new Map<string, Plan>();
  const whole = (file: SnapshotFile): void => {
    plans.set(file.path, { kind: 'copy', file });
  };
  const selection = (component: Component): Selection | undefined => {
    if (!component.xml) return undefined;
    const existing = plans.get(component.xml.path);
    if (existing?.kind === 'copy') return undefined; // already whole
    if (existing?.kind === 'prune') return existing.keep;
    const keep: Selection = { entries: new Map(), unkeyedChanged: false };
    plans.set(component.xml.path, { kind: 'prune', file: component.xml, component, keep });
    return keep;
  };

  const deployed = changeset.changes.filter((change) => change.kind !== 'removed');
  // Whole components first, so that a pruned plan never replaces a whole copy.
  const neededParents = planWholeComponents(deployed, to, registry, plans);
  for (const change of deployed) {
    const component = to.components.get(change.key);
    if (component && change.kind === 'changed' && isPruned(component, registry)) {
      const keep = selection(component);
      if (keep) for (const element of change.elements) selectByPath(keep, element.path, elementKeysFor(registry, component.type));
      for (const file of component.content) whole(file);
    } else if (!component && change.parent) {
      // An in-file child (a label, a workflow alert, a sharing rule): its entry in the parent's file.
      const parent = to.components.get(change.parent);
      if (!parent) continue;
      const keep = selection(parent);
      if (keep) selectChild(keep, change, parent, registry);
    }
  }
  for (const parent of neededParents) if (!plans.has(parent.xml!.path)) whole(parent.xml!);
  return plans;
}

/**
 * Plans the components copied whole (all but changed components whose XML is pruned); returns the parents whose
 * whole XML a child needs (a child the registry says is not addressable on its own).
 */
function planWholeComponents(deployed: readonly Change[], to: Snapshot, registry: RegistryAccess, plans: Map<string, Plan>): Component[] {
  const neededParents: Component[] = [];
  const whole = (file: SnapshotFile): void => {
    plans.set(file.path, { kind: 'copy', file });
  };
  for (const change of deployed) {
    const component = to.components.get(change.key);
    if (!component || (change.kind === 'changed' && isPruned(component, registry))) continue;
    if (component.xml) whole(component.xml);
    for (const file of component.content) whole(file);
    const parent = component.parent ? to.components.get(component.parent) : undefined;
    if (parent?.xml && change.kind !== 'renamed') {
      if (notAddressable(component, registry) || decomposedAtTopLevel(parent, registry)) neededParents.push(parent);
      else if (component.type === 'CustomField' && component.xml) plans.set(component.xml.path, { kind: 'copy', file: component.xml, parentIfMasterDetail: parent.xml });
    }
  }
  return neededParents;
}

/** Whether a changed component's XML is written pruned rather than whole. */
export function isPruned(component: Component, registry: RegistryAccess): boolean {
  if (!component.xml) return false;
  if (PRUNED_TYPES.has(component.type)) return true;
  for (const spec of elementKeysFor(registry, component.type).values()) if (spec.childType) return true;
  return false;
}

const MASTER_DETAIL = /<type>\s*MasterDetail\s*<\/type>/;

/**
 * A child of a parent decomposed at the top level (a BotVersion of a Bot: `bots/X/X.bot-meta.xml` beside
 * `bots/X/v1.botVersion-meta.xml`) deploys with the parent's XML: SDR names the child after the parent's file, and
 * without it resolves a broken name; the Metadata API takes the version only inside its bot's file.
 */
function decomposedAtTopLevel(parent: Component, registry: RegistryAccess): boolean {
  try {
    return registry.getTypeByName(parent.type).strategies?.decomposition === 'topLevel';
  } catch {
    return false;
  }
}

/** Children the registry says are only addressable through their parent (field translations…) deploy with its XML. */
function notAddressable(component: Component, registry: RegistryAccess): boolean {
  try {
    return registry.getTypeByName(component.type).isAddressable === false;
  } catch {
    return false;
  }
}

function topLevelKeys(registry: RegistryAccess, type: string): Map<string, ElementKey> {
  const table = elementKeysFor(registry, type);
  const top = new Map<string, ElementKey>();
  for (const spec of table.values()) if (!spec.element.includes('/')) top.set(spec.element, spec);
  return top;
}

/** Marks the entry an element path names (its first segment) as kept; a path into an unkeyed element marks those. */
function selectByPath(keep: Selection, path: string, table: ReadonlyMap<string, ElementKey>): void {
  let first;
  try {
    first = parseAddress(path)[0];
  } catch {
    // eslint-disable-next-line no-param-reassign -- keep is the selection being built by planDelta
    keep.unkeyedChanged = true;
    return;
  }
  if (!first) return;
  const spec = [...table.values()].find((entry) => entry.element === first.name);
  if (!spec || first.keys.length === 0) {
    // eslint-disable-next-line no-param-reassign -- keep is the selection being built by planDelta
    keep.unkeyedChanged = true;
    return;
  }
  const values = spec.key.map((key) => first.keys.find(([name]) => name === key)?.[1] ?? '');
  add(keep, first.name, values);
}

function selectChild(keep: Selection, change: Change, parent: Component, registry: RegistryAccess): void {
  for (const spec of elementKeysFor(registry, parent.type).values()) {
    if (spec.childType !== change.type) continue;
    const name = spec.ignoreParentName ? change.fullName : change.fullName.slice(parent.fullName.length + 1);
    add(keep, spec.element, [name]);
    return;
  }
  // eslint-disable-next-line no-param-reassign -- keep is the selection being built by planDelta
  keep.unkeyedChanged = true;
}

function add(keep: Selection, element: string, values: readonly string[]): void {
  const set = keep.entries.get(element) ?? new Set<string>();
  set.add(values.join('\0'));
  keep.entries.set(element, set);
}

/**
 * The file with only the selected keyed entries and every unkeyed element; undefined when nothing is left to deploy.
 * The entries are cut out of the text as it is (prune.ts's scanner): what is kept keeps its bytes, and nothing is
 * parsed. Compare has read this file (its hash changed), so it is well-formed; a text outside the scanner's subset
 * (DOCTYPE, processing instructions…) is parsed and written back instead.
 */
function prune(text: string, file: SnapshotFile, component: Component, keep: Selection, registry: RegistryAccess, snapshot: Snapshot): string | undefined {
  const tops = new Map<string, Map<string, ElementKey>>();
  const topFor = (rootName: string): Map<string, ElementKey> => {
    let top = tops.get(rootName);
    if (!top) tops.set(rootName, (top = topLevelKeys(registry, rootName)));
    return top;
  };
  const scan = scanTopLevel(text, (rootName, child) => topFor(rootName).get(child)?.key);
  if (!scan) return pruneParsed(text, file, component, keep, registry, snapshot);
  const top = topFor(scan.rootName);
  const drop = new Set<TopLevelElement>();
  let keptEntries = 0;
  for (const child of scan.children) {
    if (!top.has(child.name)) continue;
    const values = (child.keys ?? []).map((raw) => (raw === undefined ? '' : leafText(raw)));
    if (keep.entries.get(child.name)?.has(values.join('\0'))) keptEntries++;
    else drop.add(child);
  }
  if (keptEntries === 0 && !keep.unkeyedChanged) return undefined;
  return cut(text, scan.children, drop);
}

/** `prune` through the parser, for texts the scanner does not read. */
function pruneParsed(text: string, file: SnapshotFile, component: Component, keep: Selection, registry: RegistryAccess, snapshot: Snapshot): string | undefined {
  const where = snapshot.source.kind === 'dir' ? posix.join(snapshot.source.label, file.path) : `${snapshot.source.spec}:${file.path}`;
  const doc = parseXmlDocument(text, where);
  const root = rootElement(doc);
  const rootName = elementName(root)!;
  const top = topLevelKeys(registry, rootName === component.type ? component.type : rootName);
  let keptEntries = 0;
  const children = (root[rootName] as XmlNode[]).filter((node) => {
    const name = elementName(node);
    if (name === undefined) return false;
    const spec = top.get(name);
    if (!spec) return true;
    const wanted = keep.entries.get(name);
    if (!wanted) return false;
    const values = spec.key.map((key) => textOf(childElements(node, key)[0] ?? { [key]: [] }) ?? '');
    if (!wanted.has(values.join('\0'))) return false;
    keptEntries++;
    return true;
  });
  if (keptEntries === 0 && !keep.unkeyedChanged) return undefined;
  root[rootName] = children;
  return buildXmlDocument(doc);
}
