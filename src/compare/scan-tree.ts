import type { CanonicalElement } from '../metadata/xml.js';
import { compareStrings } from '../metadata/xml.js';
import { NAME_PATTERN, nameEnd } from './top-level-scan.js';

/*
 * The canonical element tree of a metadata XML text, read straight from the text. compare parses both sides of every
 * changed file after prune.ts's scanner has read them whole; building fast-xml-parser's ordered document and then
 * canonicalizing it cost a third of compare's time. This reader builds the CanonicalElement tree in one pass instead.
 *
 * Its tree is deep-equal to `canonicalize(rootElement(parseXmlDocument(text, where, { wellFormed: true })))` (a
 * differential test checks it over every XML file of the repository and generated texts), because it reads only what
 * it knows fast-xml-parser (options in metadata/xml.ts) reads the same way:
 * - a byte order mark is skipped, and line ends `\r\n` and `\r` read as `\n` everywhere, as the parser does first;
 * - a leaf's text is its text runs, as written, with comments left out and the five XML entities decoded (a single
 *   pass: `&amp;lt;` is `&lt;`), or its CDATA sections, raw;
 * - whitespace beside child elements is formatting (the parser strips it, canonicalize keeps elements only);
 * - attribute values are decoded like text; `xmlns` and `xmlns:*` are left out; attributes are sorted by name.
 * Anything else makes it give up (undefined), and the caller parses the text: what prune.ts's scanner gives up on
 * (DOCTYPE, processing instructions, malformed or unbalanced tags…); a declaration other than plain `name="value"`
 * pairs; any `&` but the five entities (the parser leaves numeric references as written, except a few it deletes,
 * and leaves unknown names as written); CDATA beside text or child elements, and text beside child elements that is
 * not whitespace (mixed content); names the parser refuses or renames (`__cdata`, `constructor`, `toString`…);
 * nesting as deep as the parser's limit.
 */

/** An element inside more than 100 others makes the parser throw (its `maxNestedTags`): give up from 100 on. */
const MAX_DEPTH = 100;

/**
 * Element names fast-xml-parser (5.x) takes for its own properties (`__cdata`) or refuses or renames as prototype
 * pollution, and attribute names that xml.ts's `attributesOf` would lose (`__proto__`): left to the parser.
 */
const RESERVED_NAMES = new Set([
  '__cdata',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

const ATTRIBUTE = new RegExp(`[ \\t\\n]+(${NAME_PATTERN})[ \\t\\n]*=[ \\t\\n]*(?:"([^"<]*)"|'([^'<]*)')`, 'y');
const TAG_END = /[ \t\n]*(\/?)>/y;
const CLOSE_TAG_END = /[ \t\n]*>/y;
const DECLARATION = /<\?xml(?:[ \t\n]+[A-Za-z]+[ \t\n]*=[ \t\n]*(?:"[^"<>?&]*"|'[^'<>?&]*'))*[ \t\n]*\?>/y;

type Attributes = Array<readonly [string, string]>;

/** An element whose end tag has not been read yet. */
type Open = {
  readonly name: string;
  readonly attributes: Attributes;
  /** Set when the first child element starts: from then on, text beside it must be whitespace. */
  children: CanonicalElement[] | undefined;
  /** Text and CDATA read so far, while the element has no child element. */
  text: string;
  hasText: boolean;
  hasCdata: boolean;
};

/** The canonical tree of `source`, or undefined when the text is not one this reader is certain about (see above). */
export function scanTree(source: string): CanonicalElement | undefined {
  let text = source.charCodeAt(0) === 0xfe_ff ? source.slice(1) : source;
  if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
  return new TreeReader(text).read();
}

/** Step result of the reader: the offset to go on from, or undefined to give up. */
type Next = number | undefined;

class TreeReader {
  private readonly stack: Open[] = [];
  private root: CanonicalElement | undefined;
  /** The first `&` at or after the last text run read (-1: none left). */
  private nextAmp: number;

  public constructor(private readonly text: string) {
    this.nextAmp = text.indexOf('&');
  }

  public read(): CanonicalElement | undefined {
    const text = this.text;
    let i = 0;
    if (text.startsWith('<?')) {
      DECLARATION.lastIndex = 0;
      if (!DECLARATION.test(text)) return undefined;
      i = DECLARATION.lastIndex;
    }
    for (;;) {
      const lt = text.indexOf('<', i);
      const runEnd = lt === -1 ? text.length : lt;
      if (runEnd > i && !this.textRun(i, runEnd)) return undefined;
      if (lt === -1) break;
      const next = text.charCodeAt(lt + 1);
      const after = next === 0x2f /* / */ ? this.endTag(lt) : next === 0x21 /* ! */ ? this.markup(lt) : next === 0x3f /* ? */ ? undefined : this.startTag(lt);
      if (after === undefined) return undefined;
      i = after;
    }
    return this.stack.length === 0 ? this.root : undefined;
  }

  /** Text between tags: a leaf's text, or whitespace (beside elements, outside the root). */
  private textRun(from: number, to: number): boolean {
    const open = this.stack[this.stack.length - 1];
    if (!open || open.children) return isBlank(this.text, from, to);
    const run = this.decodedRun(from, to);
    if (run === undefined) return false;
    open.text += run;
    open.hasText = true;
    return true;
  }

  /** The text between `from` and `to` with entities decoded; undefined for an `&` that is not one of the five. */
  private decodedRun(from: number, to: number): string | undefined {
    if (this.nextAmp !== -1 && this.nextAmp < from) this.nextAmp = this.text.indexOf('&', from);
    if (this.nextAmp === -1 || this.nextAmp >= to) return this.text.slice(from, to);
    return decodeEntities(this.text, from, to);
  }

  /** A comment (dropped), or a CDATA section of a leaf; anything else (DOCTYPE…) is given up on. */
  private markup(lt: number): Next {
    const text = this.text;
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      return close === -1 ? undefined : close + 3;
    }
    const open = this.stack[this.stack.length - 1];
    if (!open || open.children !== undefined || open.hasText || !text.startsWith('<![CDATA[', lt)) return undefined;
    const close = text.indexOf(']]>', lt + 9);
    if (close === -1) return undefined;
    open.text += text.slice(lt + 9, close);
    open.hasCdata = true;
    return close + 3;
  }

  private startTag(lt: number): Next {
    const text = this.text;
    const stack = this.stack;
    const at = nameEnd(text, lt + 1);
    if (at === -1 || stack.length >= MAX_DEPTH) return undefined;
    const name = text.slice(lt + 1, at);
    if (RESERVED_NAMES.has(name)) return undefined;
    const parent = stack[stack.length - 1];
    if (parent) {
      if (!parent.children) {
        if (parent.hasCdata || (parent.hasText && !isBlank(parent.text, 0, parent.text.length))) return undefined;
        parent.children = [];
      }
    } else if (this.root) {
      return undefined;
    }
    let attributes: Attributes = [];
    let contentStart: number;
    if (text.charCodeAt(at) === 0x3e /* > */) {
      contentStart = at + 1;
    } else {
      const read = this.attributes(at);
      if (!read) return undefined;
      TAG_END.lastIndex = read.end;
      const end = TAG_END.exec(text);
      if (!end) return undefined;
      attributes = read.attributes;
      contentStart = TAG_END.lastIndex;
      if (end[1] === '/') {
        this.add({ name, attributes, text: '', children: [] });
        return contentStart;
      }
    }
    // Most elements are leaves written `<name>text</name>`: read them without opening an element.
    const lt2 = text.indexOf('<', contentStart);
    if (lt2 !== -1 && text.charCodeAt(lt2 + 1) === 0x2f /* / */ && text.charCodeAt(lt2 + 2 + name.length) === 0x3e /* > */ && text.startsWith(name, lt2 + 2)) {
      const leafText = this.decodedRun(contentStart, lt2);
      if (leafText === undefined) return undefined;
      this.add({ name, attributes, text: leafText, children: [] });
      return lt2 + 3 + name.length;
    }
    stack.push({ name, attributes, children: undefined, text: '', hasText: false, hasCdata: false });
    return contentStart;
  }

  /** The attributes of a start tag from `at` (after its name), sorted by name, namespace declarations left out. */
  private attributes(at: number): { attributes: Attributes; end: number } | undefined {
    const text = this.text;
    const attributes: Attributes = [];
    const names: string[] = [];
    let end = at;
    for (;;) {
      ATTRIBUTE.lastIndex = end;
      const match = ATTRIBUTE.exec(text);
      if (!match) break;
      end = ATTRIBUTE.lastIndex;
      const name = match[1];
      if (names.includes(name) || RESERVED_NAMES.has(name)) return undefined;
      names.push(name);
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      const raw = match[2] ?? match[3];
      const value = raw.includes('&') ? decodeEntities(raw, 0, raw.length) : raw;
      if (value === undefined) return undefined;
      attributes.push([name, value]);
    }
    if (attributes.length > 1) attributes.sort(([a], [b]) => compareStrings(a, b));
    return { attributes, end };
  }

  private endTag(lt: number): Next {
    const text = this.text;
    const open = this.stack.pop();
    if (!open || !text.startsWith(open.name, lt + 2)) return undefined;
    let end = lt + 2 + open.name.length;
    if (text.charCodeAt(end) === 0x3e /* > */) end++;
    else {
      if (nameEnd(text, lt + 2) !== end) return undefined;
      CLOSE_TAG_END.lastIndex = end;
      if (!CLOSE_TAG_END.test(text)) return undefined;
      end = CLOSE_TAG_END.lastIndex;
    }
    const { name, attributes, children } = open;
    if (children) this.add({ name, attributes, children });
    else if (open.hasCdata && open.hasText) return undefined;
    else this.add({ name, attributes, text: open.text, children: [] });
    return end;
  }

  /** A complete element, to its parent (whose `children` the start tag set) or as the root. */
  private add(element: CanonicalElement): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.children!.push(element);
    else this.root = element;
  }
}

/** `text` between `from` and `to` with the five XML entities decoded; undefined at any other `&`. */
function decodeEntities(text: string, from: number, to: number): string | undefined {
  let decoded = '';
  let last = from;
  for (let amp = text.indexOf('&', from); amp !== -1 && amp < to; amp = text.indexOf('&', last)) {
    const semicolon = text.indexOf(';', amp + 1);
    if (semicolon === -1 || semicolon >= to) return undefined;
    const value = entityValue(text.slice(amp + 1, semicolon));
    if (value === undefined) return undefined;
    decoded += text.slice(last, amp) + value;
    last = semicolon + 1;
  }
  return decoded + text.slice(last, to);
}

function entityValue(name: string): string | undefined {
  switch (name) {
    case 'amp':
      return '&';
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
    default:
      return undefined;
  }
}

/** Whether `text` between `from` and `to` is XML whitespace only. */
function isBlank(text: string, from: number, to: number): boolean {
  for (let at = from; at < to; at++) {
    const code = text.charCodeAt(at);
    if (code !== 0x20 && code !== 0x0a && code !== 0x09 && code !== 0x0d) return false;
  }
  return true;
}
