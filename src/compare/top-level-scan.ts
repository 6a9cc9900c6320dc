/*
 * The root's children of an XML text, with their offsets and keys, read without parsing (prune.ts cuts the ones equal
 * on both sides of a changed file; delta sources check copied XML with it). No imports: a worker thread loads it.
 *
 * The scanner reads only a strict subset of XML (ASCII names, quoted attributes without `<`, entities of the form the
 * validator accepts, comments, CDATA, the XML declaration at the very start); anything else — DOCTYPE, processing
 * instructions, unbalanced or malformed tags — makes it give up, and the caller parses the whole files, so malformed
 * XML is reported exactly as before (file, line, column of the original). Within that subset, a balanced element that
 * is cut out cannot hold anything the validator would refuse.
 */

/** A child element of the root, as the scanner found it: `text.slice(start, end)` is the element, tags included. */
export type TopLevelElement = {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  /**
   * For an element whose name `keyParts` gives key parts: the raw content of the first leaf child named after each
   * part (undefined when there is none), as `keyValues` would find it.
   */
  readonly keys?: ReadonlyArray<string | undefined>;
};

export type TopLevelScan = {
  readonly rootName: string;
  readonly children: readonly TopLevelElement[];
};

/** Key parts of a root's child by name, or undefined when the child's group may not be pruned. */
export type KeyParts = (rootName: string, childName: string) => readonly string[] | undefined;

/** An element or attribute name of the subset: ASCII, optionally with one `prefix:` (a RegExp source). */
export const NAME_PATTERN = '[A-Za-z_][A-Za-z0-9_.\\-]*(?::[A-Za-z_][A-Za-z0-9_.\\-]*)?';
const CLOSE_TAG = new RegExp(`(${NAME_PATTERN})[ \\t\\r\\n]*>`, 'y');
const ATTRIBUTE = new RegExp(`[ \\t\\r\\n]+(${NAME_PATTERN})[ \\t\\r\\n]*=[ \\t\\r\\n]*(?:"[^"<]*"|'[^'<]*')`, 'y');
const TAG_END = /[ \t\r\n]*(\/?)>/y;
const ENTITY = /&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z0-9_]{1,20});/y;
const DECLARATION = /<\?xml[ \t\r\n][^?]*\?>/y;
const WHITESPACE_ONLY = /^[ \t\r\n]*$/;

type Pending = { part: number; innerStart: number; hasElements: boolean };
type Open = { name: string; start: number; keyParts?: readonly string[]; keys?: Array<string | undefined>; pending?: Pending };

/**
 * The root's name and its child elements with their offsets, or undefined when the text is not in the subset the
 * scanner reads with certainty (see above). `text` has no byte order mark.
 */
export function scanTopLevel(text: string, keyParts?: KeyParts, guide?: Guide): TopLevelScan | undefined {
  return new TopLevelScanner(text, keyParts, guide && new GuideCursor(guide)).scan();
}

/**
 * Another version of the same file, scanned already. A root child of the text that is byte for byte one of the
 * guide's root children is taken from the guide's scan instead of being scanned again: the scanner would find the
 * same element with the same keys, and would accept its bytes as it accepted them in the guide.
 */
export type Guide = { readonly text: string; readonly scan: TopLevelScan };

/** How many root children were taken from a guide rather than scanned (tests check that guides are used). */
export const guidedChildren = { count: 0 };

/**
 * Where the scan of a text stands in its guide's children: the next one expected (after the last one found), and,
 * for a root child that had to be scanned, the guide's child with the same name and keys (changed in place).
 */
class GuideCursor {
  private next = 0;
  private byKey?: Map<string, number>;

  public constructor(private readonly guide: Guide) {}

  public get rootName(): string {
    return this.guide.scan.rootName;
  }

  /** The guide's child found at `start` of `text` (the expected one, or the one after it), or undefined. */
  public match(text: string, start: number): TopLevelElement | undefined {
    const children = this.guide.scan.children;
    for (let index = this.next; index < Math.min(this.next + 2, children.length); index++) {
      const child = children[index];
      const length = child.end - child.start;
      if (start + length <= text.length && text.slice(start, start + length) === this.guide.text.slice(child.start, child.end)) {
        this.next = index + 1;
        return child;
      }
    }
    return undefined;
  }

  /** After a root child that had to be scanned: go on after the guide's child with its name and keys, if any. */
  public scanned(child: TopLevelElement): void {
    if (!child.keys) return;
    // A child changed in place is the expected one or close after it: looked for there before in a map of all.
    const children = this.guide.scan.children;
    for (let index = this.next; index < Math.min(this.next + NEARBY, children.length); index++) {
      if (children[index].name === child.name && sameKeys(children[index].keys, child.keys)) {
        this.next = index + 1;
        return;
      }
    }
    if (!this.byKey) {
      this.byKey = new Map();
      this.guide.scan.children.forEach((each, index) => {
        if (each.keys) this.byKey!.set(guideKey(each), index);
      });
    }
    const index = this.byKey.get(guideKey(child));
    if (index !== undefined && index >= this.next) this.next = index + 1;
  }
}

/** How far after the expected child a changed child's counterpart is looked for before a map of all is built. */
const NEARBY = 8;

function sameKeys(a: TopLevelElement['keys'], b: TopLevelElement['keys']): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.every((key, index) => key === b[index]);
}

function guideKey(child: TopLevelElement): string {
  return `${child.name}\u0001${child.keys!.map((key) => key ?? '').join('\u0000')}`;
}

/** Step result of the scanner: the offset to go on from, or undefined to give up. */
type Next = number | undefined;

class TopLevelScanner {
  private readonly children: TopLevelElement[] = [];
  private readonly stack: Open[] = [];
  private rootName: string | undefined;
  private rootClosed = false;
  private readonly partsByName = new Map<string, readonly string[] | null>();

  public constructor(private readonly text: string, private readonly keyParts?: KeyParts, private readonly guide?: GuideCursor) {}

  public scan(): TopLevelScan | undefined {
    const text = this.text;
    let i = 0;
    let nextAmp = text.indexOf('&');
    DECLARATION.lastIndex = 0;
    if (DECLARATION.test(text)) i = DECLARATION.lastIndex;
    for (;;) {
      const lt = text.indexOf('<', i);
      const textEnd = lt === -1 ? text.length : lt;
      // The next `&` is looked up only when passed: a search per text run would read to the end of the file each time.
      if (nextAmp !== -1 && nextAmp < i) nextAmp = text.indexOf('&', i);
      if (!validText(text, i, textEnd, this.stack.length === 0, nextAmp)) return undefined;
      if (lt === -1) break;
      const next = text.charCodeAt(lt + 1);
      const known = next !== 0x21 && next !== 0x2f && next !== 0x3f ? this.fromGuide(lt) : undefined;
      const after =
        known ?? (next === 0x21 /* ! */ ? this.markup(lt) : next === 0x2f /* / */ ? this.closeTag(lt) : next === 0x3f /* ? */ ? undefined : this.startTag(lt));
      if (after === undefined) return undefined;
      i = after;
    }
    const { rootName, rootClosed, stack, children } = this;
    return rootName !== undefined && rootClosed && stack.length === 0 ? { rootName, children } : undefined;
  }

  /** A root child the guide has byte for byte, taken from its scan: where the scan goes on, or undefined. */
  private fromGuide(lt: number): Next {
    const guide = this.guide;
    if (!guide || this.stack.length !== 1 || this.rootName !== guide.rootName) return undefined;
    const child = guide.match(this.text, lt);
    if (!child) return undefined;
    const end = lt + child.end - child.start;
    this.children.push({ name: child.name, start: lt, end, ...(child.keys ? { keys: child.keys } : {}) });
    guidedChildren.count++;
    return end;
  }

  /** A comment, or CDATA inside the root; anything else (DOCTYPE…) is given up on. */
  private markup(lt: number): Next {
    const text = this.text;
    let close = -1;
    if (text.startsWith('<!--', lt)) close = text.indexOf('-->', lt + 4);
    else if (this.stack.length > 0 && text.startsWith('<![CDATA[', lt)) close = text.indexOf(']]>', lt + 9);
    return close === -1 ? undefined : close + 3;
  }

  private closeTag(lt: number): Next {
    const top = this.stack[this.stack.length - 1];
    // Most closing tags are `</name>` for the open element: no regular expression needed.
    if (top && this.text.startsWith(top.name, lt + 2) && this.text.charCodeAt(lt + 2 + top.name.length) === 0x3e /* > */) {
      this.stack.pop();
      const end = lt + 3 + top.name.length;
      this.closed(top, lt, end);
      return end;
    }
    CLOSE_TAG.lastIndex = lt + 2;
    const match = CLOSE_TAG.exec(this.text);
    const open = this.stack.pop();
    if (!match || !open || match[1] !== open.name) return undefined;
    const end = CLOSE_TAG.lastIndex;
    this.closed(open, lt, end);
    return end;
  }

  private startTag(lt: number): Next {
    if (this.rootClosed) return undefined;
    const text = this.text;
    let at = nameEnd(text, lt + 1);
    if (at === -1) return undefined;
    const name = text.slice(lt + 1, at);
    if (text.charCodeAt(at) === 0x3e /* > */) {
      // `<name>`: most tags have no attributes.
      this.opened(name, lt, at + 1);
      return at + 1;
    }
    const names: string[] = [];
    for (;;) {
      ATTRIBUTE.lastIndex = at;
      const attribute = ATTRIBUTE.exec(text);
      if (!attribute) break;
      if (names.includes(attribute[1])) return undefined;
      names.push(attribute[1]);
      at = ATTRIBUTE.lastIndex;
    }
    TAG_END.lastIndex = at;
    const end = TAG_END.exec(text);
    if (!end) return undefined;
    const contentStart = TAG_END.lastIndex;
    const open = this.opened(name, lt, contentStart);
    if (end[1] === '/') {
      this.stack.pop();
      this.closed(open, contentStart, contentStart);
    }
    return contentStart;
  }

  private opened(name: string, start: number, contentStart: number): Open {
    const stack = this.stack;
    const open: Open = { name, start };
    if (stack.length === 0) this.rootName = name;
    else if (stack.length === 1) {
      // Asked once per element name: a profile has tens of thousands of root children of a handful of names.
      let parts = this.partsByName.get(name);
      if (parts === undefined) this.partsByName.set(name, (parts = this.keyParts?.(this.rootName!, name) ?? null));
      if (parts) {
        open.keyParts = parts;
        open.keys = parts.map(() => undefined);
      }
    } else if (stack.length === 2) {
      // A child of a root's child: the first leaf of each key part's name is the key.
      const parent = stack[1];
      const part = parent.keyParts && !parent.pending ? parent.keyParts.indexOf(name) : -1;
      if (part !== -1 && parent.keys![part] === undefined) parent.pending = { part, innerStart: contentStart, hasElements: false };
    } else if (stack.length === 3 && stack[1].pending) {
      stack[1].pending.hasElements = true;
    }
    stack.push(open);
    return open;
  }

  /** After `open` is popped: `contentEnd` is where its content ends, `end` where its closing tag does. */
  private closed(open: Open, contentEnd: number, end: number): void {
    const stack = this.stack;
    if (stack.length === 0) this.rootClosed = true;
    else if (stack.length === 1) {
      const child: TopLevelElement = { name: open.name, start: open.start, end, ...(open.keys ? { keys: open.keys } : {}) };
      this.children.push(child);
      this.guide?.scanned(child);
    }
    else if (stack.length === 2 && stack[1].pending) {
      const parent = stack[1];
      const pending = parent.pending!;
      if (!pending.hasElements) parent.keys![pending.part] = this.text.slice(pending.innerStart, contentEnd);
      parent.pending = undefined;
    }
  }
}

/**
 * Text between tags: only whitespace outside the root; inside it, `&` only as an entity the validator accepts.
 * `amp` is the first `&` at or after `from` (-1: none).
 */
function validText(text: string, from: number, to: number, outside: boolean, amp: number): boolean {
  if (from >= to) return true;
  if (outside) return WHITESPACE_ONLY.test(text.slice(from, to));
  for (let at = amp; at !== -1 && at < to; at = text.indexOf('&', ENTITY.lastIndex)) {
    ENTITY.lastIndex = at;
    if (!ENTITY.test(text) || ENTITY.lastIndex > to) return false;
  }
  return true;
}

/**
 * Where the element name starting at `from` ends (what NAME_PATTERN matches: an ASCII name, optionally with one
 * `prefix:`), or -1 when there is none. A loop over char codes: this runs for every tag of every changed file.
 */
export function nameEnd(text: string, from: number): number {
  let at = from;
  if (!isNameStart(text.charCodeAt(at))) return -1;
  at++;
  while (isNameChar(text.charCodeAt(at))) at++;
  if (text.charCodeAt(at) === 0x3a /* : */ && isNameStart(text.charCodeAt(at + 1))) {
    at += 2;
    while (isNameChar(text.charCodeAt(at))) at++;
  }
  return at;
}

function isNameStart(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f; // a-z A-Z _
}

function isNameChar(code: number): boolean {
  return isNameStart(code) || (code >= 0x30 && code <= 0x39) || code === 0x2e || code === 0x2d; // 0-9 . -
}

/** The text without a leading byte order mark. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfe_ff ? text.slice(1) : text;
}
