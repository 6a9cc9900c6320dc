/*
 * Helpers shared by the rule modules in ./rules: locating elements and regex matches, endpoint findings.
 */
import type { Component } from '../metadata/types.js';
import { inCommentOf } from './code-comments.js';
import { hostOf } from './hosts.js';
import { lineIndex, type Position, type ScannedXml, type XmlElement } from './xml-scan.js';
import type { CheckContext, Emit, Fix, RawFinding, Severity, TextFile } from './types.js';

/** Where an element's value starts (its text), as a finding location. */
export function located(xml: ScannedXml, element: XmlElement): { path: string; line: number; column: number } {
  const position = xml.locate(element.text ? element.textStart : element.start);
  return { path: xml.path, line: position.line, column: position.column };
}

/** Every match of a global regex in a text, with its position (the line index is built on the first match only). */
export function matchAll(text: string, regex: RegExp, each: (match: RegExpExecArray, position: Position) => void): void {
  let locate: ((offset: number) => Position) | undefined;
  // A copy, so that the caller's regex (often a module constant) keeps its lastIndex.
  const pattern = new RegExp(regex.source, regex.flags);
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    locate ??= lineIndex(text);
    each(match, locate(match.index));
    if (match[0] === '') pattern.lastIndex++;
  }
}

/** `matchAll` over a text file, leaving out matches in a comment of code (inCommentOf): only what runs counts. */
export function matchAllInCode(text: string, file: TextFile, regex: RegExp, each: (match: RegExpExecArray, position: Position) => void): void {
  let inComment: ((offset: number) => boolean) | undefined;
  matchAll(text, regex, (match, position) => {
    inComment ??= inCommentOf(text, file.kind);
    if (!inComment(match.index)) each(match, position);
  });
}

/** The snapshot-relative location of a text match. */
export function textLocation(file: TextFile, position: Position): Pick<RawFinding, 'component' | 'path' | 'line' | 'column'> {
  return { component: file.component.key, path: file.path, line: position.line, column: position.column };
}

/** `a.b.com` from an element holding a URL; undefined when it holds none. */
export function elementHost(element: XmlElement | undefined): string | undefined {
  return element?.text ? hostOf(element.text) : undefined;
}

/** A URL with its host (as hostOf gives it, lower case) replaced, whatever the case it is written in. */
export function withHost(url: string, host: string, replacement: string): string {
  const at = url.toLowerCase().indexOf(host);
  return at === -1 ? url : url.slice(0, at) + replacement + url.slice(at + host.length);
}

/** Whether `isActive` (or another flag) is not explicitly false. */
export function isActive(root: XmlElement, flag = 'isActive'): boolean {
  const value = root.children.find((child) => child.name === flag)?.text;
  return value === undefined || value.toLowerCase() !== 'false';
}

export function isTrue(root: XmlElement, flag: string): boolean {
  return root.children.find((child) => child.name === flag)?.text.toLowerCase() === 'true';
}

/** Runs `each` over every component of the types given that has a readable XML. */
export async function forEachXml(
  context: CheckContext,
  types: readonly string[],
  each: (component: Component, xml: ScannedXml) => void | Promise<void>
): Promise<void> {
  for (const type of types) {
    for (const component of context.byType(type)) {
      // eslint-disable-next-line no-await-in-loop
      const xml = await context.xmlOf(component);
      // eslint-disable-next-line no-await-in-loop
      if (xml) await each(component, xml);
    }
  }
}

/** A cross-border finding for an endpoint element: offshore hosts only. */
export function offshoreEndpoint(
  context: CheckContext,
  emit: Emit,
  component: Component,
  xml: ScannedXml,
  element: XmlElement,
  message: (host: string) => string,
  fix: (host: string) => Fix,
  severity?: Severity
): boolean {
  const host = elementHost(element);
  if (!host || context.hosts.isMainland(host)) return false;
  emit({ message: message(host), component: component.key, ...located(xml, element), fix: fix(host), severity });
  return true;
}

/** The severity of the CBDT rules that are errors for a production stage. */
export function productionSeverity(context: CheckContext): Severity | undefined {
  return context.production ? 'error' : undefined;
}

/** `https://<mainland host>` placeholder shown in patches. */
export const MAINLAND_PLACEHOLDER = 'https://REPLACE-WITH-MAINLAND-HOST.example.cn';
