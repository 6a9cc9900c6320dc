import type { ElementKeyTable } from '../metadata/elements.js';
import { parseXmlDocument, rootElement, textOf } from '../metadata/xml.js';
import { scanTopLevel, withoutBom, type KeyParts, type TopLevelElement, type TopLevelScan } from './top-level-scan.js';

/*
 * Equal bytes are never parsed, at element level: before the two sides of a changed file are parsed, the top-level
 * children of the root that are byte-identical on both sides and that compare matches by key are cut out of both
 * texts. What remains is parsed, normalized and diffed as before; the result is the same as for the whole files.
 *
 * Why that is exact: an unordered keyed group whose keys are unique on each side is compared key by key
 * (metadata/elements.ts `groupByKey`, compare/xml-diff.ts `diffGroup`/`diffChildren`), and `normalize` sorts it by
 * key. Taking the same (key, element) pairs out of both sides then removes only pairs that compare equal, and keeps
 * every other key unique. So a group is pruned only if its keys, read here from the raw text exactly as `keyValues`
 * reads them from the tree, are non-empty and unique on both sides in the whole file. Groups compared by position
 * (ordered, unkeyed, keys missing or repeated — which covers any repeated identical element) are left whole, since
 * taking elements out would shift positions. Each side keeps at least one child element, so that the root stays an
 * element with children (an empty root would be compared as a text leaf).
 */

let enabled = true;

/** Turns pruning off (tests compare with and without it); returns the previous setting. */
export function setPruning(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

export type PrunedPair = {
  readonly from: string;
  readonly to: string;
  /** Elements cut out of each side. */
  readonly pruned: number;
};

/**
 * The two texts without the top-level elements they have in common that compare matches by key (see above);
 * undefined when nothing can be pruned (or either text is outside the scanner's subset): parse the texts as they are.
 * `tableFor` gives the element-key table for a root element name.
 */
export function pruneCommonElements(from: string, to: string, tableFor: (rootName: string) => ElementKeyTable): PrunedPair | undefined {
  const pair = scanAndPrune(from, to, tableFor);
  return pair && pair.pruned > 0 ? pair : undefined;
}

/**
 * `pruneCommonElements`, but also when nothing was cut (`pruned: 0`, the texts as they are, without a byte order
 * mark). Defined only when the scanner read both texts whole, which also says they are well-formed: a text in the
 * scanner's subset is one the validator accepts (a property test checks it), so it can be parsed unvalidated.
 */
export function scanAndPrune(from: string, to: string, tableFor: (rootName: string) => ElementKeyTable): PrunedPair | undefined {
  if (!enabled) return undefined;
  const a = withoutBom(from);
  const b = withoutBom(to);
  const tables = new Map<string, ElementKeyTable>();
  const keyParts: KeyParts = (root, child) => {
    let table = tables.get(root);
    if (!table) tables.set(root, (table = tableFor(root)));
    const spec = table.get(child);
    return spec && !spec.ordered ? spec.key : undefined;
  };
  const sa = scanTopLevel(a, keyParts);
  if (!sa) return undefined;
  // The other side is scanned only where it differs: its root children equal to one of `a`'s are taken from `a`'s scan.
  const sb = scanTopLevel(b, keyParts, { text: a, scan: sa });
  if (!sb) return undefined;
  const whole = { from: a, to: b, pruned: 0 };
  if (sa.rootName !== sb.rootName) return whole;

  const ga = keyedGroups(sa);
  const gb = keyedGroups(sb);
  const cutA = new Set<TopLevelElement>();
  const cutB = new Set<TopLevelElement>();
  let first: [TopLevelElement, TopLevelElement] | undefined;
  for (const [name, as] of ga) {
    const bs = gb.get(name);
    const ka = bs && byKey(as);
    const kb = ka && byKey(bs);
    if (!ka || !kb) continue;
    // Identical elements have the same key: within uniquely keyed groups, pairs are found by key, then bytes compared.
    for (const [id, x] of ka) {
      const y = kb.get(id);
      if (!y || x.end - x.start !== y.end - y.start || a.slice(x.start, x.end) !== b.slice(y.start, y.end)) continue;
      cutA.add(x);
      cutB.add(y);
      first ??= [x, y];
    }
  }
  if (!first) return whole;
  // Each side keeps a child element: an element without any is compared as a text leaf.
  if (cutA.size === sa.children.length || cutB.size === sb.children.length) {
    cutA.delete(first[0]);
    cutB.delete(first[1]);
    if (cutA.size === 0) return whole;
  }
  return { from: cut(a, sa.children, cutA), to: cut(b, sb.children, cutB), pruned: cutA.size };
}

function keyedGroups(scan: TopLevelScan): Map<string, TopLevelElement[]> {
  const groups = new Map<string, TopLevelElement[]>();
  for (const child of scan.children) {
    if (!child.keys) continue;
    const members = groups.get(child.name);
    if (members) members.push(child);
    else groups.set(child.name, [child]);
  }
  return groups;
}

/**
 * The elements by key id, as `groupByKey` groups them: undefined when it would not (an element without any key, or
 * two with the same), in which case compare matches the group by position and it is left whole. Elements that are
 * byte-identical have the same key, so a group with repeated elements is always left whole.
 */
function byKey(elements: readonly TopLevelElement[]): Map<string, TopLevelElement> | undefined {
  const keyed = new Map<string, TopLevelElement>();
  for (const element of elements) {
    const keys = element.keys!;
    let id: string;
    if (keys.length === 1) {
      // One key part (a field, an object…): its text is the id, without arrays.
      const raw = keys[0];
      id = raw === undefined ? '' : leafText(raw);
      if (id === '') return undefined;
    } else {
      const values = keys.map((raw) => (raw === undefined ? '' : leafText(raw)));
      if (values.every((value) => value === '')) return undefined;
      id = values.join('\u0000');
    }
    if (keyed.has(id)) return undefined;
    keyed.set(id, element);
  }
  return keyed;
}

/** The text a leaf element with this raw content has in the parsed tree (entities decoded, CDATA unwrapped, comments dropped). */
export function leafText(raw: string): string {
  if (!raw.includes('&') && !raw.includes('<')) return raw;
  return textOf(rootElement(parseXmlDocument(`<k>${raw}</k>`, 'key'))) ?? '';
}

/** The text without the `drop` elements of a scan of it (and the whitespace before each). */
export function cut(text: string, children: readonly TopLevelElement[], drop: ReadonlySet<TopLevelElement>): string {
  const parts: string[] = [];
  let at = 0;
  for (const child of children) {
    if (!drop.has(child)) continue;
    let start = child.start;
    while (start > at && isWhitespace(text.charCodeAt(start - 1))) start--;
    parts.push(text.slice(at, start));
    at = child.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}
