/*
 * A light XML scanner for the readiness rules: elements with their offsets, so a finding can point at a line and a
 * column. Metadata XML is plain (no DTDs, few attributes); this reads it in one pass with one regex, checks that
 * tags balance, and decodes the five entities and character references. Anything else is an XmlScanError with
 * its position, which the engine turns into a CN-XML-01 finding.
 */

export type XmlElement = {
  readonly name: string;
  /** Offset of the `<` of the start tag. */
  readonly start: number;
  readonly children: XmlElement[];
  /** Direct text content, decoded (CDATA included), trimmed. */
  text: string;
  /** Offset of the first non-blank character of the text (or of the element when it has none). */
  textStart: number;
  readonly parent?: XmlElement;
};

export type Position = { readonly line: number; readonly column: number };

export type ScannedXml = {
  readonly path: string;
  readonly text: string;
  readonly root: XmlElement;
  /** 1-based line and column of an offset. */
  locate(offset: number): Position;
};

export class XmlScanError extends Error {
  public constructor(public readonly path: string, public readonly reason: string, public readonly position: Position) {
    super(`${path}:${position.line}:${position.column}: ${reason}`);
    this.name = 'XmlScanError';
  }
}

const TOKEN = /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<\/\s*([^\s>]+)\s*>|<([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<|[^<]+/g;

/** Offsets at which each line starts, to turn offsets into positions. */
export function lineIndex(text: string): (offset: number) => Position {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return (offset: number): Position => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low] + 1 };
  };
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name] ?? whole;
  });
}

/**
 * Checks that an XML text is well formed, without building elements (the CN-XML-01 pass over every file): the
 * same tokens and errors as scanXml.
 */
export function checkXml(text: string, path: string): void {
  const fail = (reason: string, offset: number): never => {
    throw new XmlScanError(path, reason, lineIndex(text)(offset));
  };
  const stack: string[] = [];
  let starts: number[] | undefined;
  let roots = 0;
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(text); match; match = TOKEN.exec(text)) {
    const token = match[0];
    const first = token.charCodeAt(0);
    if (first !== 60 /* < */) {
      if (!stack.length && token.trim()) fail('text outside the root element', match.index);
      continue;
    }
    if (token === '<') fail('a "<" that starts no tag', match.index);
    if (match[2] !== undefined) {
      const open = stack[stack.length - 1];
      if (open === undefined) fail(`closing tag </${match[2]}> with no open element`, match.index);
      if (open !== match[2]) fail(`closing tag </${match[2]}> does not match <${open}>`, match.index);
      stack.pop();
      starts?.pop();
    } else if (match[3] !== undefined) {
      if (!stack.length && roots++ > 0) fail(`a second root element <${match[3]}>`, match.index);
      if (match[5] !== '/') {
        stack.push(match[3]);
        (starts ??= []).push(match.index);
      }
    } else if (match[1] !== undefined && !stack.length) {
      fail('text outside the root element', match.index);
    }
  }
  if (stack.length) fail(`<${stack[stack.length - 1]}> is never closed`, starts![starts!.length - 1]);
  if (!roots) fail('no root element', 0);
}

/** Scans an XML text; throws XmlScanError on what is not well formed. */
export function scanXml(text: string, path: string): ScannedXml {
  const locate = lineIndex(text);
  const fail = (reason: string, offset: number): never => {
    throw new XmlScanError(path, reason, locate(offset));
  };
  const top: XmlElement[] = [];
  const stack: XmlElement[] = [];
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(text); match; match = TOKEN.exec(text)) {
    const token = match[0];
    const at = match.index;
    const current = stack[stack.length - 1];
    if (token === '<') fail('a "<" that starts no tag', at);
    if (isCommentOrDeclaration(token)) continue;
    if (match[1] !== undefined) {
      if (!current) fail('text outside the root element', at);
      addText(current, match[1], at + 9);
      continue;
    }
    if (match[2] !== undefined) {
      if (!current) fail(`closing tag </${match[2]}> with no open element`, at);
      if (current.name !== match[2]) fail(`closing tag </${match[2]}> does not match <${current.name}>`, at);
      stack.pop();
      continue;
    }
    if (match[3] !== undefined) {
      if (!current && top.length) fail(`a second root element <${match[3]}>`, at);
      const element: XmlElement = { name: match[3], start: at, children: [], text: '', textStart: at, parent: current };
      if (current) current.children.push(element);
      else top.push(element);
      if (match[5] !== '/') stack.push(element);
      continue;
    }
    // Plain text.
    if (!current) {
      if (token.trim()) fail('text outside the root element', at);
      continue;
    }
    addText(current, decodeEntities(token), at);
  }
  if (stack.length) fail(`<${stack[stack.length - 1].name}> is never closed`, stack[stack.length - 1].start);
  if (!top.length) fail('no root element', 0);
  for (const element of top) trimAll(element);
  return { path, text, root: top[0], locate };
}

/** A comment, a processing instruction or a DOCTYPE: tokens the scan skips. */
function isCommentOrDeclaration(token: string): boolean {
  return token.startsWith('<!--') || token.startsWith('<?') || token.startsWith('<!DOCTYPE');
}

// addText and trimAll build the elements of the scan in place (they are the scanner's own, not the caller's).
function addText(element: XmlElement, text: string, at: number): void {
  if (!element.text && text.trim()) {
    // eslint-disable-next-line no-param-reassign -- fills in the element being built by scanXml
    element.textStart = at + (text.length - text.trimStart().length);
  }
  // eslint-disable-next-line no-param-reassign -- fills in the element being built by scanXml
  element.text += text;
}

function trimAll(element: XmlElement): void {
  // eslint-disable-next-line no-param-reassign -- finishes the element being built by scanXml
  element.text = element.text.trim();
  for (const next of element.children) trimAll(next);
}

/** Direct children named `name`. */
export function children(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((candidate) => candidate.name === name);
}

/** The first direct child named `name`. */
export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((candidate) => candidate.name === name);
}

/** Every element below `element` (depth first) named `name`. */
export function descendants(element: XmlElement, name?: string): XmlElement[] {
  const found: XmlElement[] = [];
  const walk = (at: XmlElement): void => {
    for (const next of at.children) {
      if (name === undefined || next.name === name) found.push(next);
      walk(next);
    }
  };
  walk(element);
  return found;
}

/** The trimmed text of a direct child, or undefined. */
export function childText(element: XmlElement, name: string): string | undefined {
  return child(element, name)?.text;
}

/**
 * The element's address below the root, as overlay patches write it (`alerts[fullName=X]/senderAddress`): a list
 * item is keyed by its `fullName` (or `name`/`parameterName`) child when it has one.
 */
export function addressOf(element: XmlElement): string {
  const segments: string[] = [];
  for (let at: XmlElement | undefined = element; at?.parent; at = at.parent) {
    const key = ['fullName', 'parameterName', 'name'].find((field) => at.children.some((c) => c.name === field && c.children.length === 0));
    const keyValue = key ? childText(at, key) : undefined;
    const siblings = at.parent.children.filter((c) => c.name === at.name).length;
    segments.unshift(key !== undefined && keyValue !== undefined && at.children.length > 0 && siblings >= 1 && at !== element ? `${at.name}[${key}=${escapeKey(keyValue)}]` : at.name);
  }
  return segments.join('/');
}

function escapeKey(value: string): string {
  return /[\]\\"]/.test(value) ? value.replace(/([\]\\])/g, '\\$1') : value;
}
