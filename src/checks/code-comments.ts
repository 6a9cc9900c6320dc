import type { FileKind } from './types.js';

/** The string quotes of each kind of code file; other kinds have no comments to skip. */
const QUOTES: Partial<Record<FileKind, string>> = { apex: "'", trigger: "'", 'lwc-js': '\'"`', 'aura-js': '\'"`' };

/**
 * Whether an offset of a code file (Apex, a trigger, LWC or Aura JavaScript) lies in a comment: a host or an id
 * written in a comment is not called or used, so rules that look for those in code skip it. Strings are skipped over,
 * so `'https://…'` is not a `//` comment. A JavaScript regex literal is read as code (rare in what these rules seek).
 */
export function inCommentOf(text: string, kind: FileKind): (offset: number) => boolean {
  const quotes = QUOTES[kind];
  if (!quotes) return () => false;
  const bounds: number[] = []; // start, end, start, end… in order
  for (let at = 0; at < text.length; ) {
    const char = text[at];
    if (quotes.includes(char)) {
      at = endOfString(text, at, char);
    } else if (char === '/' && text[at + 1] === '/') {
      const end = text.indexOf('\n', at);
      bounds.push(at, (at = end < 0 ? text.length : end));
    } else if (char === '/' && text[at + 1] === '*') {
      const end = text.indexOf('*/', at + 2);
      bounds.push(at, (at = end < 0 ? text.length : end + 2));
    } else {
      at++;
    }
  }
  return (offset) => {
    // The last comment that starts at or before the offset, by binary search.
    let low = 0;
    let high = bounds.length / 2 - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (bounds[middle * 2] <= offset) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found >= 0 && offset < bounds[found * 2 + 1];
  };
}

/** The offset after a string that opens at `start` (a line break ends an unclosed one, except in a template literal). */
function endOfString(text: string, start: number, quote: string): number {
  let at = start + 1;
  while (at < text.length && text[at] !== quote) {
    if (text[at] === '\\') at++;
    else if (text[at] === '\n' && quote !== '`') return at;
    at++;
  }
  return at + 1;
}
