import { ExitCode } from '../exit-codes.js';
import { XMLBuilder, XMLParser, XMLValidator } from './fast-xml-parser.js';
import { metadataMessages as messages } from './messages.js';

/*
 * Metadata XML, two ways:
 * - the ordered document (fast-xml-parser `preserveOrder`), which other code edits and writes back with
 *   `buildXmlDocument` the way Salesforce and SDR write it;
 * - the canonical element tree (`canonicalize`), in which formatting does not matter: compare and overlays use it.
 */

/** Attributes of an element in the ordered document, names prefixed with `@_`. */
export type XmlAttributes = Record<string, string>;

/**
 * One node of the ordered document: an element `{ name: XmlNode[], ':@'?: attributes }`, a text node
 * `{ '#text': string }`, a CDATA section `{ __cdata: [{ '#text' }] }` or a comment `{ '#comment': [{ '#text' }] }`.
 */
export type XmlNode = { [name: string]: XmlNode[] | string | XmlAttributes | undefined } & { ':@'?: XmlAttributes; '#text'?: string };

/** A parsed file: its top-level nodes (comments and the root element; the XML declaration is rewritten on build). */
export type XmlDocument = XmlNode[];

const TEXT = '#text';
const CDATA = '__cdata';
const COMMENT = '#comment';
const ATTRS = ':@';
const ATTR_PREFIX = '@_';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: ATTR_PREFIX,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  cdataPropName: CDATA,
  commentPropName: COMMENT,
  ignoreDeclaration: true,
  processEntities: true,
  htmlEntities: false,
  // No callbacks read the tag path: without this, the parser builds a path string for every value it reads
  // (almost half its time on small files).
  jPath: false,
});

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: ATTR_PREFIX,
  format: true,
  indentBy: '    ',
  suppressEmptyNode: false,
  cdataPropName: CDATA,
  commentPropName: COMMENT,
  processEntities: true,
});

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/**
 * Parses metadata XML into an ordered document. Malformed XML is refused with error.MalformedXml naming the file,
 * line and column. Whitespace between elements is dropped (it is formatting); text of leaf elements is kept as is.
 * `wellFormed`: the caller already knows the text is well-formed (compare/prune.ts's scanner read it whole), so the
 * validator's pass over it, as long as the parse itself, is skipped.
 */
export function parseXmlDocument(bytes: Buffer | string, path: string, options: { readonly wellFormed?: boolean } = {}): XmlDocument {
  let text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfe_ff) text = text.slice(1);
  const verdict = options.wellFormed === true || XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (verdict !== true) {
    throw messages.createError('error.MalformedXml', [path, verdict.err.line, verdict.err.col, verdict.err.msg], [], ExitCode.BadInput);
  }
  const doc = stripFormatting(parser.parse(text) as XmlNode[]);
  if (!doc.some(isElement)) {
    throw messages.createError('error.MalformedXml', [path, 1, 1, 'no root element'], [], ExitCode.BadInput);
  }
  return doc;
}

/** Writes an ordered document the way Salesforce does: declaration, 4-space indent, trailing newline. */
export function buildXmlDocument(doc: XmlDocument): string {
  const body = builder.build(doc).replace(/^\s+/, '').replace(/\s+$/, '');
  return `${XML_DECLARATION}\n${body}\n`;
}

/** Drops whitespace-only text beside child elements, recursively (in place; returns the same array). */
function stripFormatting(nodes: XmlNode[]): XmlNode[] {
  const hasElements = nodes.some(isElement);
  const kept = hasElements ? nodes.filter((node) => !(TEXT in node && /^\s*$/.test(String(node[TEXT])))) : nodes;
  for (const node of kept) {
    const name = elementName(node);
    if (name !== undefined) node[name] = stripFormatting(childNodes(node));
  }
  return kept;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers over the ordered document (used by the address selector, overlays and compare).

export function isElement(node: XmlNode): boolean {
  return elementName(node) !== undefined;
}

/** The tag name of an element node; undefined for text, CDATA, comments and processing instructions (`?name`). */
export function elementName(node: XmlNode): string | undefined {
  for (const key of Object.keys(node)) {
    if (key !== ATTRS && key !== TEXT && key !== CDATA && key !== COMMENT && key.charCodeAt(0) !== 0x3f /* ? */) return key;
  }
  return undefined;
}

/** All child nodes of an element (text, CDATA, comments included). */
export function childNodes(node: XmlNode): XmlNode[] {
  const name = elementName(node);
  if (name === undefined) return [];
  const value = node[name];
  return Array.isArray(value) ? value : [];
}

/** Child elements of an element, optionally only those with a tag name. */
export function childElements(node: XmlNode, name?: string): XmlNode[] {
  return childNodes(node).filter((child) => {
    const childName = elementName(child);
    return childName !== undefined && (name === undefined || childName === name);
  });
}

/** The root element of a document (`<CustomObject>`, `<Profile>`…). */
export function rootElement(doc: XmlDocument): XmlNode {
  const root = doc.find(isElement);
  if (!root) throw new Error('XML document without a root element');
  return root;
}

/** Attributes of an element, names without the `@_` prefix. */
export function attributesOf(node: XmlNode): Record<string, string> {
  const raw = node[ATTRS] ?? {};
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) result[key.startsWith(ATTR_PREFIX) ? key.slice(ATTR_PREFIX.length) : key] = String(value);
  return result;
}

/** The text of an element: its text and CDATA children concatenated; undefined when it has child elements. */
export function textOf(node: XmlNode): string | undefined {
  const children = childNodes(node);
  if (children.some(isElement)) return undefined;
  let text = '';
  for (const child of children) {
    if (TEXT in child) text += String(child[TEXT]);
    else if (CDATA in child) text += (child[CDATA] as XmlNode[]).map((part) => String(part[TEXT] ?? '')).join('');
  }
  return text;
}

/** Replaces an element's content with a text value (in place). */
export function setText(node: XmlNode, text: string): void {
  const name = elementName(node);
  if (name === undefined) throw new Error('setText on a non-element node');
  // eslint-disable-next-line no-param-reassign -- editing the element in place is this function's contract
  node[name] = text === '' ? [] : [{ [TEXT]: text }];
}

/** A new element with text or child elements. */
export function makeElement(name: string, content: string | XmlNode[] = [], attributes?: Record<string, string>): XmlNode {
  const node: XmlNode = { [name]: typeof content === 'string' ? (content === '' ? [] : [{ [TEXT]: content }]) : content };
  if (attributes && Object.keys(attributes).length) {
    node[ATTRS] = Object.fromEntries(Object.entries(attributes).map(([key, value]) => [ATTR_PREFIX + key, value]));
  }
  return node;
}

/** Parses an XML fragment (one or more elements, as overlays write them) into element nodes. */
export function parseXmlFragment(text: string, path: string): XmlNode[] {
  const wrapped = `<fragment>${text}</fragment>`;
  const doc = parseXmlDocument(wrapped, path);
  return childElements(rootElement(doc));
}

// ---------------------------------------------------------------------------------------------------------------
// Canonical form: what compare looks at.

/** A canonical element: no formatting, attributes sorted, text of leaves kept exactly. */
export type CanonicalElement = {
  readonly name: string;
  /** Sorted by name; namespace declarations (`xmlns`, `xmlns:*`) left out. */
  readonly attributes: ReadonlyArray<readonly [string, string]>;
  /** Set for a leaf (no child elements), `''` for an empty element. */
  readonly text?: string;
  readonly children: readonly CanonicalElement[];
};

/** Canonical element tree of an ordered element node (comments dropped). Child order is kept; see `canonicalText`. */
export function canonicalize(node: XmlNode): CanonicalElement {
  const name = elementName(node)!;
  const attributes = Object.entries(attributesOf(node))
    .filter(([key]) => key !== 'xmlns' && !key.startsWith('xmlns:'))
    .sort(([a], [b]) => compareStrings(a, b));
  const elements = childElements(node);
  if (elements.length === 0) return { name, attributes, text: textOf(node) ?? '', children: [] };
  return { name, attributes, children: elements.map(canonicalize) };
}

export function escapeXml(text: string): string {
  // Most texts have nothing to escape: one search instead of four replacements.
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const NEEDS_ESCAPE = /[&<>"]/;

/** Compact XML text of a canonical element as it stands (children in the order given). */
export function serializeCanonical(element: CanonicalElement): string {
  const inner = element.text !== undefined ? escapeXml(element.text) : element.children.map(serializeCanonical).join('');
  return `${canonicalOpenTag(element)}${inner}</${element.name}>`;
}

/** The start tag `serializeCanonical` writes for an element. */
export function canonicalOpenTag(element: CanonicalElement): string {
  if (element.attributes.length === 0) return `<${element.name}>`;
  return `<${element.name}${element.attributes.map(([key, value]) => ` ${key}="${escapeXml(value)}"`).join('')}>`;
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
