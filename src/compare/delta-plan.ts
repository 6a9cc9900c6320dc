import { posix } from 'node:path';
import type { RegistryAccess } from '@salesforce/source-deploy-retrieve';
import { parseAddress } from '../metadata/address.js';
import { elementKeysFor, type ElementKey } from '../metadata/elements.js';
import type { Component, Snapshot, SnapshotFile } from '../metadata/types.js';
import { buildXmlDocument, childElements, elementName, parseXmlDocument, rootElement, textOf, type XmlNode } from '../metadata/xml.js';
import { cut, leafText } from './prune.js';
import { parentDeployedForRemoval } from './through-parent.js';
import { scanTopLevel, type TopLevelElement } from './top-level-scan.js';
import type { Change, Changeset, ElementChange } from './types.js';

/*
 * What goes into a delta source tree (`--copy-sources`), file by file, and in what form: copied whole, or pruned to
 * the entries that changed. Nothing here reads or writes files; delta-writer.ts does.
 */

/**
 * Types whose file is written pruned when it changed: only the entries that changed, plus every element that is not
 * a keyed entry (`custom`, `userLicense`, `label`… what the Metadata API needs to accept the file). The Metadata API
 * merges these files into what the org has, so leaving unchanged entries out changes nothing. Containers of in-file
 * children (CustomLabels, Workflow, SharingRules…) are pruned too; SDR's registry says which those are.
 */
const PRUNED_TYPES = new Set(['Profile', 'Translations', 'CustomObjectTranslation', 'GlobalValueSetTranslation', 'StandardValueSetTranslation']);

/**
 * `content`: a content file (static resource, document, Apex body…), copied as bytes: what it holds is the user's, never
 * metadata XML, so a `.xml` one is not checked (a malformed one deploys, zipped or stored as it is).
 */
export type CopyPlan = { readonly kind: 'copy'; readonly file: SnapshotFile; readonly parentIfMasterDetail?: SnapshotFile; readonly content?: true };
export type PrunePlan = { readonly kind: 'prune'; readonly file: SnapshotFile; readonly component: Component; readonly keep: Selection };
export type Plan = CopyPlan | PrunePlan;

/**
 * What to keep in a pruned file: keyed entries by element name and key values, or by position (1-based, among the
 * top-level elements of that name in `to`) where compare matched them by position; whether unkeyed elements changed.
 */
export type Selection = { entries: Map<string, Set<string>>; positions: Map<string, Set<number>>; unkeyedChanged: boolean };

/** Which file of `to` goes into the delta, and how (copied whole, or pruned), by path relative to the root. */
export function planDelta(changeset: Changeset, to: Snapshot, registry: RegistryAccess): Map<string, Plan> {
  const plans = new Map<string, Plan>();
  const whole = (file: SnapshotFile, content?: true): void => {
    plans.set(file.path, { kind: 'copy', file, ...(content ? { content } : {}) });
  };
  const selection = (component: Component): Selection | undefined => {
    if (!component.xml) return undefined;
    const existing = plans.get(component.xml.path);
    if (existing?.kind === 'copy') return undefined; // already whole
    if (existing?.kind === 'prune') return existing.keep;
    const keep: Selection = { entries: new Map(), positions: new Map(), unkeyedChanged: false };
    plans.set(component.xml.path, { kind: 'prune', file: component.xml, component, keep });
    return keep;
  };

  const deployed = changeset.changes.filter((change) => change.kind !== 'removed');
  // Whole components first, so that a pruned plan never replaces a whole copy.
  const neededParents: Component[] = [];
  for (const change of deployed) {
    const { copies, neededParent } = wholeCopies(change, to, registry);
    for (const copy of copies) plans.set(copy.file.path, copy);
    if (neededParent) neededParents.push(neededParent);
  }
  for (const change of deployed) {
    const component = to.components.get(change.key);
    if (component && change.kind === 'changed' && isPruned(component, registry)) {
      const keep = selection(component);
      if (keep) for (const element of change.elements) selectByPath(keep, element, elementKeysFor(registry, component.type));
      for (const file of component.content) whole(file, true);
    } else if (!component && change.parent) {
      // An in-file child (a label, a workflow alert, a sharing rule): its entry in the parent's file.
      const parent = to.components.get(change.parent);
      if (!parent) continue;
      const keep = selection(parent);
      if (keep) selectChild(keep, change, parent, registry);
    }
  }
  // A removed child only its parent carries (a field translation): the manifests deploy the parent without it, so
  // the parent's file goes into the tree too, or the tree would lack what package.xml lists.
  const removedKeys = new Set(changeset.changes.filter((change) => change.kind === 'removed').map((change) => change.key));
  for (const change of changeset.changes) {
    const entry = parentDeployedForRemoval(change, registry, removedKeys);
    const parent = entry ? to.components.get(`${entry.type}:${entry.fullName}`) : undefined;
    if (parent?.xml) neededParents.push(parent);
  }
  for (const parent of neededParents) if (!plans.has(parent.xml!.path)) whole(parent.xml!);
  return plans;
}

/**
 * The files a deployed change copies whole (all of its component's, unless it is a changed component whose XML is
 * pruned), and the parent whose whole XML it needs (a child the registry says is not addressable on its own, a child of
 * a parent decomposed at the top level). What a change copies whole depends on that change alone, so the writer can
 * start copying as soon as compare settles it.
 */
export function wholeCopies(change: Change, to: Snapshot, registry: RegistryAccess): { copies: CopyPlan[]; neededParent?: Component } {
  const component = to.components.get(change.key);
  if (change.kind === 'removed' || !component || (change.kind === 'changed' && isPruned(component, registry))) return { copies: [] };
  const parent = component.parent ? to.components.get(component.parent) : undefined;
  let neededParent: Component | undefined;
  let masterDetailParent: SnapshotFile | undefined;
  if (parent?.xml && change.kind !== 'renamed') {
    if (notAddressable(component, registry) || decomposedAtTopLevel(parent, registry)) neededParent = parent;
    else if (component.type === 'CustomField' && component.xml) masterDetailParent = parent.xml;
  }
  const copies: CopyPlan[] = [];
  if (component.xml) copies.push({ kind: 'copy', file: component.xml, ...(masterDetailParent ? { parentIfMasterDetail: masterDetailParent } : {}) });
  for (const file of component.content) copies.push({ kind: 'copy', file, content: true });
  return { copies, ...(neededParent ? { neededParent } : {}) };
}

/** Whether a changed component's XML is written pruned rather than whole. */
export function isPruned(component: Component, registry: RegistryAccess): boolean {
  if (!component.xml) return false;
  if (PRUNED_TYPES.has(component.type)) return true;
  for (const spec of elementKeysFor(registry, component.type).values()) if (spec.childType) return true;
  return false;
}

/**
 * The entries a change of a pruned type only removes (`customLabels[name=Farewell]`), or undefined when it does more.
 * Its pruned file would keep nothing (`prune` keeps only entries `to` has), and a deploy of such a file merges into
 * what the org has: there is nothing to deploy, and leaving the entries out removes nothing. The manifests report it.
 */
export function removedEntriesOnly(change: Change, registry: RegistryAccess): string[] | undefined {
  if (change.kind !== 'changed' || !PRUNED_TYPES.has(change.type) || change.elements.length === 0 || change.files?.length) return undefined;
  const top = topLevelKeys(registry, change.type);
  const entries: string[] = [];
  for (const element of change.elements) {
    if (element.kind !== 'removed') return undefined;
    let address;
    try {
      address = parseAddress(element.path);
    } catch {
      return undefined;
    }
    const [first] = address;
    if (address.length !== 1 || !first || first.keys.length === 0 || !top.has(first.name)) return undefined;
    entries.push(element.path);
  }
  return entries;
}

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
function selectByPath(keep: Selection, element: ElementChange, table: ReadonlyMap<string, ElementKey>): void {
  let address;
  try {
    address = parseAddress(element.path);
  } catch {
    // eslint-disable-next-line no-param-reassign -- keep is the selection being built by planDelta
    keep.unkeyedChanged = true;
    return;
  }
  const [first] = address;
  if (!first) return;
  const spec = [...table.values()].find((entry) => entry.element === first.name);
  if (!spec) {
    // eslint-disable-next-line no-param-reassign -- keep is the selection being built by planDelta
    keep.unkeyedChanged = true;
    return;
  }
  if (first.keys.length === 0) {
    // A keyed group whose keys repeat (NPSP's Hebrew translation has two quickActions named NewNote) is compared by
    // position: `quickActions[13]/label` is the 13th of `to`, as xml-diff.ts numbers them (a lone one has no number).
    // An entry removed whole is numbered in `from`, and has nothing to keep.
    if (element.kind === 'removed' && address.length === 1) return;
    const positions = keep.positions.get(first.name) ?? new Set<number>();
    positions.add(first.index ?? 1);
    keep.positions.set(first.name, positions);
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
export function prune(text: string, file: SnapshotFile, component: Component, keep: Selection, registry: RegistryAccess, snapshot: Snapshot): string | undefined {
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
  const seen = new Map<string, number>();
  let keptEntries = 0;
  for (const child of scan.children) {
    if (!top.has(child.name)) continue;
    const position = (seen.get(child.name) ?? 0) + 1;
    seen.set(child.name, position);
    const values = (child.keys ?? []).map((raw) => (raw === undefined ? '' : leafText(raw)));
    if (isSelected(keep, child.name, values, position)) keptEntries++;
    else drop.add(child);
  }
  if (keptEntries === 0 && !keep.unkeyedChanged) return undefined;
  return cut(text, scan.children, drop);
}

/** Whether the top-level entry `name` with these key values, the `position`th of its name in the file, is kept. */
function isSelected(keep: Selection, name: string, values: readonly string[], position: number): boolean {
  return keep.entries.get(name)?.has(values.join('\0')) === true || keep.positions.get(name)?.has(position) === true;
}

/** `prune` through the parser, for texts the scanner does not read. */
function pruneParsed(text: string, file: SnapshotFile, component: Component, keep: Selection, registry: RegistryAccess, snapshot: Snapshot): string | undefined {
  const where = snapshot.source.kind === 'dir' ? posix.join(snapshot.source.label, file.path) : `${snapshot.source.spec}:${file.path}`;
  const doc = parseXmlDocument(text, where);
  const root = rootElement(doc);
  const rootName = elementName(root)!;
  const top = topLevelKeys(registry, rootName === component.type ? component.type : rootName);
  const seen = new Map<string, number>();
  let keptEntries = 0;
  const children = (root[rootName] as XmlNode[]).filter((node) => {
    const name = elementName(node);
    if (name === undefined) return false;
    const spec = top.get(name);
    if (!spec) return true;
    const position = (seen.get(name) ?? 0) + 1;
    seen.set(name, position);
    const values = spec.key.map((key) => textOf(childElements(node, key)[0] ?? { [key]: [] }) ?? '');
    if (!isSelected(keep, name, values, position)) return false;
    keptEntries++;
    return true;
  });
  if (keptEntries === 0 && !keep.unkeyedChanged) return undefined;
  root[rootName] = children;
  return buildXmlDocument(doc);
}
