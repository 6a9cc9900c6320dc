import { Messages } from '@salesforce/core/messages';
import { ExitCode } from '../exit-codes.js';
import { childElements, childNodes, elementName, rootElement, textOf, type XmlDocument, type XmlNode } from './xml.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-federate', 'address');

/*
 * Element addresses: how ElementChange.path and overlay patches name an element inside a metadata file, by metadata
 * identity rather than by position. Relative to the root element (`<CustomObject>`, `<Profile>`…):
 *
 *   label
 *   fields[fullName=Region__c]/label
 *   fieldPermissions[field=Account.Region__c]/editable
 *   layoutAssignments[layout=Account-Account Layout][recordType=Account.Retail]
 *   actionOverrides[2]/content          (1-based position among same-named siblings, for unkeyed lists)
 *   label/@xsi:nil                      (an attribute, last segment only)
 *
 * In a value, `\` escapes the next character (write `\]` and `\\`); a value may also be written in double quotes.
 */

export type AddressSegment = {
  /** Tag name, or `@name` for an attribute. */
  readonly name: string;
  /** Key predicates `[k=v]`, in the order written. */
  readonly keys: ReadonlyArray<readonly [string, string]>;
  /** Position predicate `[n]`, 1-based. */
  readonly index?: number;
};

export type ElementAddress = readonly AddressSegment[];

const NAME = /^@?[A-Za-z_][\w.:-]*/;

const KEY_NAME = /^[A-Za-z_][\w.:-]*/;

/** A cursor over an address text; `at` is also the column a refusal names. */
class AddressReader {
  private at = 0;

  public constructor(private readonly text: string) {}

  public read(): ElementAddress {
    const segments: AddressSegment[] = [];
    if (this.text.trim() === '') this.fail('the address is empty');
    while (this.at < this.text.length) {
      const segment = this.readSegment();
      segments.push(segment);
      if (this.at < this.text.length) this.readSeparator(segment.name);
    }
    return segments;
  }

  /** A name followed by its predicates: `[n]` positions and `[key=value]` keys. */
  private readSegment(): AddressSegment {
    const name = this.readMatch(NAME, 'expected an element name');
    const keys: Array<[string, string]> = [];
    let index: number | undefined;
    while (this.text[this.at] === '[') {
      this.at++;
      const position = this.readPosition();
      if (position !== undefined) index = position;
      else keys.push(this.readKey());
    }
    if (name.startsWith('@') && (keys.length || index !== undefined)) this.fail('an attribute takes no predicate');
    return { name, keys, index };
  }

  /** `n]` after a `[`, or undefined (nothing consumed) when the predicate is not a position. */
  private readPosition(): number | undefined {
    const position = /^(\d+)\]/.exec(this.text.slice(this.at));
    if (!position) return undefined;
    const index = Number(position[1]);
    if (index < 1) this.fail('positions start at 1');
    this.at += position[0].length;
    return index;
  }

  /** `key=value]` after a `[`. */
  private readKey(): [string, string] {
    const keyName = this.readMatch(KEY_NAME, 'expected a key name or a position');
    if (this.text[this.at] !== '=') this.fail('expected "="');
    this.at++;
    const value = this.readValue();
    if (this.text[this.at] !== ']') this.fail('expected "]"');
    this.at++;
    return [keyName, value];
  }

  /** A bare value runs to `]`, a quoted one to the closing `"`; in both, `\` escapes the next character. */
  private readValue(): string {
    const quoted = this.text[this.at] === '"';
    if (quoted) this.at++;
    const end = quoted ? '"' : ']';
    let value = '';
    while (this.at < this.text.length && this.text[this.at] !== end) {
      if (this.text[this.at] === '\\') this.at++;
      value += this.text[this.at] ?? '';
      this.at++;
    }
    if (quoted) {
      if (this.text[this.at] !== '"') this.fail('unterminated quoted value');
      this.at++;
    }
    return value;
  }

  /** The `/` between segments; an attribute must be the last segment and the address cannot end with `/`. */
  private readSeparator(segmentName: string): void {
    if (this.text[this.at] !== '/') this.fail('expected "/" or "["');
    if (segmentName.startsWith('@')) this.fail('an attribute must be the last segment');
    this.at++;
    if (this.at === this.text.length) this.fail('the address ends with "/"');
  }

  private readMatch(pattern: RegExp, reason: string): string {
    const match = pattern.exec(this.text.slice(this.at))?.[0];
    if (!match) this.fail(reason);
    this.at += match.length;
    return match;
  }

  private fail(reason: string): never {
    throw messages.createError('error.BadAddress', [this.text, this.at + 1, reason], [], ExitCode.BadInput);
  }
}

/** Parses an address; a malformed one is refused with error.BadAddress naming the column. */
export function parseAddress(text: string): ElementAddress {
  return new AddressReader(text).read();
}

function escapeValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/]/g, '\\]').replace(/^"/, '\\"');
}

export function formatSegment(segment: AddressSegment): string {
  const keys = segment.keys.map(([key, value]) => `[${key}=${escapeValue(value)}]`).join('');
  return `${segment.name}${keys}${segment.index !== undefined ? `[${segment.index}]` : ''}`;
}

export function formatAddress(address: ElementAddress): string {
  return address.map(formatSegment).join('/');
}

/** Appends a segment to an address text. */
export function childAddress(parent: string, segment: AddressSegment): string {
  const formatted = formatSegment(segment);
  return parent ? `${parent}/${formatted}` : formatted;
}

/** One element an address selects, with what a caller needs to replace or remove it. */
export type ElementMatch = {
  readonly node: XmlNode;
  /** The element that holds it (the root's parent is undefined: never select the root itself). */
  readonly parent: XmlNode;
  /** Position of `node` in the parent's child node array. */
  readonly position: number;
  /** Set when the address ends in an attribute: its name (without `@`). */
  readonly attribute?: string;
};

/**
 * Every element of a document (or below an element) that an address selects. A key predicate matches an element
 * whose child of that name has that text; an absent child matches an empty value. Callers decide what "matches
 * nothing" and "matches several" mean for them.
 */
export function selectElements(from: XmlDocument | XmlNode, address: ElementAddress | string): ElementMatch[] {
  const segments = typeof address === 'string' ? parseAddress(address) : address;
  const start = Array.isArray(from) ? rootElement(from) : from;
  let current: ElementMatch[] = [{ node: start, parent: start, position: -1 }];
  for (const segment of segments) {
    if (segment.name.startsWith('@')) {
      const attribute = segment.name.slice(1);
      return current.map((match) => ({ ...match, attribute }));
    }
    const next: ElementMatch[] = [];
    for (const match of current) {
      const children = childNodesWithPositions(match.node, segment.name);
      const keyed = children.filter(({ node }) => segment.keys.every(([key, value]) => keyText(node, key) === value));
      const picked = segment.index !== undefined ? keyed.slice(segment.index - 1, segment.index) : keyed;
      for (const { node, position } of picked) next.push({ node, parent: match.node, position });
    }
    current = next;
  }
  return current;
}

function childNodesWithPositions(node: XmlNode, name: string): Array<{ node: XmlNode; position: number }> {
  const result: Array<{ node: XmlNode; position: number }> = [];
  childNodes(node).forEach((child, position) => {
    if (elementName(child) === name) result.push({ node: child, position });
  });
  return result;
}

function keyText(node: XmlNode, key: string): string {
  const child = childElements(node, key)[0];
  return child ? textOf(child) ?? '' : '';
}
