import { childAddress, type AddressSegment } from '../metadata/address.js';
import { groupByKey, groupChildren, joinElementPath, keyValues, type ElementKey, type ElementKeyTable } from '../metadata/elements.js';
import { canonicalOpenTag, compareStrings, serializeCanonical, type CanonicalElement } from '../metadata/xml.js';
import type { ElementChange } from './types.js';

/*
 * Element-level difference of two canonical, normalized element trees (metadata/elements.ts `normalize`).
 * Keyed elements are matched by key, unkeyed repeated elements by a longest common subsequence, single elements by
 * name. Leaves give strings; whole added or removed elements give their canonical XML text.
 */

/** An in-file child (a CustomLabel of CustomLabels, a WorkflowAlert of a Workflow) that differs. */
export type ChildDiff = {
  readonly type: string;
  /** The child's name as its key element holds it (`Greeting`, `MyAlert`). */
  readonly name: string;
  readonly ignoreParentName: boolean;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly elements: readonly ElementChange[];
};

export type XmlDiff = {
  readonly elements: ElementChange[];
  readonly children: ChildDiff[];
};

/** Above this many element pairs an unkeyed list is compared by position instead of by LCS. */
const LCS_LIMIT = 250_000;

const textCache = new WeakMap<CanonicalElement, string>();

/**
 * Canonical XML text of a normalized element (`serializeCanonical`), memoized per element and built from the
 * memoized texts of its children: compare asks for the text of an element and then of each of its children down
 * the path to a difference, which serialized every element once per level above it.
 */
export function canonicalXml(element: CanonicalElement): string {
  if (element.text !== undefined) return serializeCanonical(element);
  let text = textCache.get(element);
  if (text === undefined) {
    let inner = '';
    for (const child of element.children) inner += canonicalXml(child);
    text = `${canonicalOpenTag(element)}${inner}</${element.name}>`;
    textCache.set(element, text);
  }
  return text;
}

/** What a whole element is worth as a before/after value: a leaf's text, or the canonical XML of the element. */
export function valueOf(element: CanonicalElement): string {
  return element.text !== undefined && element.attributes.length === 0 ? element.text : canonicalXml(element);
}

/**
 * Differences between two root elements. Top-level groups whose key table entry names an in-file child type are
 * returned as `children` (each with paths relative to the child element); everything else as `elements`.
 */
export function diffRoots(fromRoot: CanonicalElement, toRoot: CanonicalElement, table: ElementKeyTable): XmlDiff {
  const result: XmlDiff = { elements: [], children: [] };
  // An empty root (`<SharingRules xmlns="…"/>`, a container with no rules yet or any more: dreamhouse-lwc has one) is
  // a text leaf for the parser. Against a root with children it is a root without any, so that the rules added or
  // removed are in-file children, added or deleted one by one, and not a change of the whole file at its root.
  const from = emptyRootAsContainer(fromRoot, toRoot);
  const to = emptyRootAsContainer(toRoot, fromRoot);
  diffAttributes(from, to, '', result.elements);
  if (from.text !== undefined || to.text !== undefined) {
    diffElement(from, to, '', '', table, result.elements);
    return result;
  }
  const a = groupChildren(from.children);
  const b = groupChildren(to.children);
  for (const name of unionSorted(a.keys(), b.keys())) {
    const spec = table.get(name);
    const as = a.get(name) ?? [];
    const bs = b.get(name) ?? [];
    if (spec?.childType && diffChildren(spec, as, bs, table, result.children)) continue;
    diffGroup(name, as, bs, '', name, table, result.elements);
  }
  return result;
}

/** `root` without children when it holds only whitespace and `other` has child elements; otherwise `root`. */
function emptyRootAsContainer(root: CanonicalElement, other: CanonicalElement): CanonicalElement {
  if (root.text === undefined || root.text.trim() !== '' || other.text !== undefined) return root;
  return { name: root.name, attributes: root.attributes, children: [] };
}

function diffChildren(spec: ElementKey, as: CanonicalElement[], bs: CanonicalElement[], table: ElementKeyTable, out: ChildDiff[]): boolean {
  const ka = groupByKey(as, spec);
  const kb = groupByKey(bs, spec);
  if (!ka || !kb) return false;
  const base = { type: spec.childType!, ignoreParentName: spec.ignoreParentName === true };
  for (const id of unionSorted(ka.keys(), kb.keys())) {
    const before = ka.get(id);
    const after = kb.get(id);
    const name = keyValues((before ?? after)!, spec).join('.');
    if (!after) out.push({ ...base, name, kind: 'removed', elements: [] });
    else if (!before) out.push({ ...base, name, kind: 'added', elements: [] });
    else if (canonicalXml(before) !== canonicalXml(after)) {
      const elements: ElementChange[] = [];
      diffElement(before, after, '', spec.element, table, elements);
      out.push({ ...base, name, kind: 'changed', elements });
    }
  }
  return true;
}

function diffElement(a: CanonicalElement, b: CanonicalElement, path: string, pattern: string, table: ElementKeyTable, out: ElementChange[]): void {
  if (canonicalXml(a) === canonicalXml(b)) return;
  diffAttributes(a, b, path, out);
  if (a.text !== undefined && b.text !== undefined) {
    if (a.text !== b.text) out.push({ path, kind: 'changed', before: a.text, after: b.text });
    return;
  }
  if (a.text !== undefined || b.text !== undefined) {
    out.push({ path, kind: 'changed', before: a.text ?? canonicalXml(a), after: b.text ?? canonicalXml(b) });
    return;
  }
  const ga = groupChildren(a.children);
  const gb = groupChildren(b.children);
  for (const name of unionSorted(ga.keys(), gb.keys())) {
    diffGroup(name, ga.get(name) ?? [], gb.get(name) ?? [], path, joinElementPath(pattern, name), table, out);
  }
}

function diffAttributes(a: CanonicalElement, b: CanonicalElement, path: string, out: ElementChange[]): void {
  const aa = new Map(a.attributes);
  const ba = new Map(b.attributes);
  for (const name of unionSorted(aa.keys(), ba.keys())) {
    const before = aa.get(name);
    const after = ba.get(name);
    if (before === after) continue;
    const at = childAddress(path, { name: `@${name}`, keys: [] });
    out.push({ path: at, kind: before === undefined ? 'added' : after === undefined ? 'removed' : 'changed', before, after });
  }
}

function diffGroup(
  name: string,
  as: CanonicalElement[],
  bs: CanonicalElement[],
  path: string,
  pattern: string,
  table: ElementKeyTable,
  out: ElementChange[]
): void {
  const spec = table.get(pattern);
  if (spec) {
    const ka = groupByKey(as, spec);
    const kb = groupByKey(bs, spec);
    if (ka && kb) {
      for (const id of unionSorted(ka.keys(), kb.keys())) {
        const before = ka.get(id);
        const after = kb.get(id);
        const segment = keyedSegment(name, spec, (before ?? after)!);
        pair(before, after, childAddress(path, segment), pattern, table, out);
      }
      if (spec.ordered) {
        const common = (keyed: Map<string, CanonicalElement>, other: Map<string, CanonicalElement>): string[] =>
          [...keyed.keys()].filter((id) => other.has(id)).map((id) => id.replaceAll('\u0000', '|'));
        const orderA = common(ka, kb);
        const orderB = common(kb, ka);
        if (orderA.join('\n') !== orderB.join('\n')) {
          out.push({ path: childAddress(path, { name, keys: [] }), kind: 'changed', before: orderA.join('\n'), after: orderB.join('\n') });
        }
      }
      return;
    }
  }
  if (as.length <= 1 && bs.length <= 1) {
    pair(as[0], bs[0], childAddress(path, { name, keys: [] }), pattern, table, out);
    return;
  }
  for (const [i, j] of alignUnkeyed(as, bs)) {
    const segment: AddressSegment = { name, keys: [], index: (j ?? i)! + 1 };
    pair(i === undefined ? undefined : as[i], j === undefined ? undefined : bs[j], childAddress(path, segment), pattern, table, out);
  }
}

function pair(
  before: CanonicalElement | undefined,
  after: CanonicalElement | undefined,
  path: string,
  pattern: string,
  table: ElementKeyTable,
  out: ElementChange[]
): void {
  if (before && after) diffElement(before, after, path, pattern, table, out);
  else if (before) out.push({ path, kind: 'removed', before: valueOf(before) });
  else if (after) out.push({ path, kind: 'added', after: valueOf(after) });
}

function keyedSegment(name: string, spec: ElementKey, element: CanonicalElement): AddressSegment {
  const values = keyValues(element, spec);
  return { name, keys: spec.key.map((key, index) => [key, values[index]] as const).filter(([, value]) => value !== '') };
}

/**
 * Aligns two unkeyed lists: equal elements (by canonical text) are matched by LCS and dropped; between matches,
 * leftovers are paired by position (changed), the rest are removed or added. Yields [fromIndex, toIndex] pairs.
 */
function alignUnkeyed(as: CanonicalElement[], bs: CanonicalElement[]): Array<[number | undefined, number | undefined]> {
  const ta = as.map(canonicalXml);
  const tb = bs.map(canonicalXml);
  const matches: Array<[number, number]> = [];
  if (ta.length * tb.length <= LCS_LIMIT) {
    const n = ta.length;
    const m = tb.length;
    const lengths = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lengths[i][j] = ta[i] === tb[j] ? lengths[i + 1][j + 1] + 1 : Math.max(lengths[i + 1][j], lengths[i][j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (ta[i] === tb[j]) {
        matches.push([i++, j++]);
      } else if (lengths[i + 1][j] >= lengths[i][j + 1]) i++;
      else j++;
    }
  } else {
    for (let i = 0; i < Math.min(ta.length, tb.length); i++) if (ta[i] === tb[i]) matches.push([i, i]);
  }
  const result: Array<[number | undefined, number | undefined]> = [];
  let i = 0;
  let j = 0;
  for (const [mi, mj] of [...matches, [ta.length, tb.length] as [number, number]]) {
    while (i < mi && j < mj) result.push([i++, j++]);
    while (i < mi) result.push([i++, undefined]);
    while (j < mj) result.push([undefined, j++]);
    i = mi + 1;
    j = mj + 1;
  }
  return result;
}

function unionSorted(a: Iterable<string>, b: Iterable<string>): string[] {
  return [...new Set([...a, ...b])].sort(compareStrings);
}
