import { Messages } from '@salesforce/core';
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

/** Parses an address; a malformed one is refused with error.BadAddress naming the column. */
export function parseAddress(text: string): ElementAddress {
  const segments: AddressSegment[] = [];
  let at = 0;
  const fail = (reason: string): never => {
    throw messages.createError('error.BadAddress', [text, at + 1, reason], [], ExitCode.BadInput);
  };
  if (text.trim() === '') fail('the address is empty');
  while (at < text.length) {
    const name = NAME.exec(text.slice(at))?.[0];
    if (!name) fail('expected an element name');
    at += name!.length;
    const keys: Array<[string, string]> = [];
    let index: number | undefined;
    while (text[at] === '[') {
      at++;
      const position = /^(\d+)\]/.exec(text.slice(at));
      if (position) {
        index = Number(position[1]);
        if (index < 1) fail('positions start at 1');
        at += position[0].length;
        continue;
      }
      const keyName = /^[A-Za-z_][\w.:-]*/.exec(text.slice(at))?.[0];
      if (!keyName) fail('expected a key name or a position');
      at += keyName!.length;
      if (text[at] !== '=') fail('expected "="');
      at++;
      let value = '';
      if (text[at] === '"') {
        at++;
        while (at < text.length && text[at] !== '"') {
          if (text[at] === '\\') at++;
          value += text[at] ?? '';
          at++;
        }
        if (text[at] !== '"') fail('unterminated quoted value');
        at++;
      } else {
        while (at < text.length && text[at] !== ']') {
          if (text[at] === '\\') at++;
          value += text[at] ?? '';
          at++;
        }
      }
      if (text[at] !== ']') fail('expected "]"');
      at++;
      keys.push([keyName!, value]);
    }
    if (name!.startsWith('@') && (keys.length || index !== undefined)) fail('an attribute takes no predicate');
    segments.push({ name: name!, keys, index });
    if (at < text.length) {
      if (text[at] !== '/') fail('expected "/" or "["');
      if (name!.startsWith('@')) fail('an attribute must be the last segment');
      at++;
      if (at === text.length) fail('the address ends with "/"');
    }
  }
  return segments;
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
