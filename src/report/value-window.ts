import { VALUE_WIDTH, oneLine } from './format.js';

const ELLIPSIS = '…';
/**
 * Unchanged text kept before the first difference. Enough for a few words of where the edit is, while leaving most of
 * the width to the edit itself.
 */
const CONTEXT = 20;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The before and after of a changed value, each one line of at most `width` characters, cut so that the first
 * difference shows on both sides (as git's word diff or jest's diff do). Cutting both at their start would hide an
 * edit past the first `width` characters: a long label edited near its end read `Welcome to… → Welcome to…`.
 *
 * Both sides are cut at the same offset, so what is before the difference reads the same on both. The offset keeps
 * some words before the difference and, where the end of the values fits, shows the end. When the values differ only
 * in whitespace (which one-line output collapses), newlines and tabs are shown as `\n` and `\t` instead.
 */
export function shortenPair(before: string, after: string, width = VALUE_WIDTH): [string, string] {
  let left = oneLine(before);
  let right = oneLine(after);
  if (left === right && before !== after) [left, right] = [visibleWhitespace(before), visibleWhitespace(after)];
  const a = split(left);
  const b = split(right);
  if (a.length <= width && b.length <= width) return [left, right];

  let first = 0;
  while (first < a.length && first < b.length && a[first] === b[first]) first++;
  let start = Math.max(0, Math.min(first - CONTEXT, Math.max(a.length, b.length) - (width - 1)));
  // Start at a word when there is one in the context, rather than mid-word.
  if (start > 0) {
    const space = a.slice(start, first).indexOf(' ');
    if (space >= 0 && start + space + 1 < first) start += space + 1;
  }
  return [window(a, start, width), window(b, start, width)];
}

/** `chars` from `start`, at most `width` characters with the ellipses that say text was left out on either side. */
function window(chars: readonly string[], start: number, width: number): string {
  const head = start > 0 ? ELLIPSIS : '';
  const room = width - head.length;
  if (chars.length - start <= room) return head + chars.slice(start).join('');
  return head + chars.slice(start, start + room - 1).join('') + ELLIPSIS;
}

/** User-perceived characters: an emoji sequence or a letter with its accent is never cut in two. */
function split(value: string): string[] {
  return Array.from(graphemes.segment(value), (segment) => segment.segment);
}

function visibleWhitespace(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}
