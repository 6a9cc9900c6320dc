import { normalize, type ElementKeyTable } from '../metadata/elements.js';
import { canonicalize, elementName, parseXmlDocument, rootElement, type CanonicalElement } from '../metadata/xml.js';
import { scanAndPrune } from './prune.js';
import { scanTree } from './scan-tree.js';
import type { ElementChange } from './types.js';
import { canonicalXml, diffRoots, type ChildDiff } from './xml-diff.js';

/*
 * The element-level difference of two versions of one XML file, from their texts and element-key tables alone:
 * the part of compare that costs CPU. (Worker threads for it were tried: on two cores they made a 12,000-file delta
 * slower and heavier, since reading and structuring stay on the main thread.)
 */

/** Both texts of a changed XML file, and how a user finds each one (for errors). */
export type XmlPair = {
  readonly from: string;
  readonly to: string;
  readonly whereFrom: string;
  readonly whereTo: string;
};

export type XmlPairDiff = {
  /** The bytes differ, the metadata does not. */
  readonly formattingOnly: boolean;
  readonly elements: ElementChange[];
  readonly children: ChildDiff[];
  /** The `to` text without the keyed top-level entries equal on both sides, when some were cut (prune.ts). */
  readonly prunedTo?: string;
};

/** The element-key table of a root element name (`Profile`, `CustomLabels`…). */
export type TableLookup = (rootName: string) => ElementKeyTable;

export function diffXmlPair(pair: XmlPair, tableFor: TableLookup): XmlPairDiff {
  const [a, b, prunedTo] = canonicalPair(pair, tableFor);
  const pruned = prunedTo === undefined ? {} : { prunedTo };
  if (canonicalXml(a.element) === canonicalXml(b.element)) return { formattingOnly: true, elements: [], children: [], ...pruned };
  const { elements, children } = diffRoots(a.element, b.element, a.table);
  return { formattingOnly: false, elements, children, ...pruned };
}

export type Canonical = { readonly element: CanonicalElement; readonly table: ElementKeyTable };

/** A file's canonical, normalized element tree. `wellFormed`: skip the validator (see xml.ts). */
export function canonicalOf(text: string, where: string, tableFor: TableLookup, wellFormed = false): Canonical {
  const root = rootElement(parseXmlDocument(text, where, { wellFormed }));
  const table = tableFor(elementName(root)!);
  return { element: normalize(canonicalize(root), table), table };
}

/**
 * Both sides, canonical. Equal bytes are never parsed, at element level: keyed top-level elements equal on both
 * sides are cut out first (prune.ts), which changes nothing in the comparison. The scanner that finds them also
 * vouches that both texts are well-formed, so their trees are read straight from the text (scan-tree.ts) or, when that
 * reader is not certain, parsed without the validator's extra pass. Errors are those of the whole files: when the
 * scanner gives up or a cut text does not parse, the whole ones are validated and parsed, and report where they fail.
 */
function canonicalPair(pair: XmlPair, tableFor: TableLookup): [Canonical, Canonical, string?] {
  const scanned = scanAndPrune(pair.from, pair.to, tableFor);
  if (scanned) {
    try {
      const both: [Canonical, Canonical] = [canonicalOfScanned(scanned.from, pair.whereFrom, tableFor), canonicalOfScanned(scanned.to, pair.whereTo, tableFor)];
      return scanned.pruned > 0 ? [...both, scanned.to] : both;
    } catch {
      // The whole files below report the error with its place in the file.
    }
  }
  return [canonicalOf(pair.from, pair.whereFrom, tableFor), canonicalOf(pair.to, pair.whereTo, tableFor)];
}

/** How many well-formed texts were read by scan-tree.ts and how many it left to the parser (tests check the path). */
export const scannedTextReads = { tree: 0, parser: 0 };

/** `canonicalOf` for a text prune.ts's scanner read whole: the same tree, without the parser when scan-tree.ts can. */
function canonicalOfScanned(text: string, where: string, tableFor: TableLookup): Canonical {
  const root = scanTree(text);
  if (!root) {
    scannedTextReads.parser++;
    return canonicalOf(text, where, tableFor, true);
  }
  scannedTextReads.tree++;
  const table = tableFor(root.name);
  return { element: normalize(root, table), table };
}
