import { expect } from 'chai';
import fc from 'fast-check';
import { shortenPair } from '../../src/report/value-window.js';

const LABEL = 'Welcome to Coral Cloud Resorts, the place where your holiday starts. Check-in opens at %s PM.';
const chars = (value: string): number => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(value)].length;

describe('shortenPair', () => {
  it('keeps short values whole, on one line', () => {
    expect(shortenPair('Hello', '你好')).to.deep.equal(['Hello', '你好']);
    expect(shortenPair('<a>\n  <b>1</b>\n</a>', '<a><b>2</b></a>')).to.deep.equal(['<a> <b>1</b> </a>', '<a><b>2</b></a>']);
  });

  it('shows an edit near the end of a long value on both sides (a long label edited past its 60th character)', () => {
    const [before, after] = shortenPair(LABEL.replace('%s', '3'), LABEL.replace('%s', '4'));
    expect(before).to.equal('…place where your holiday starts. Check-in opens at 3 PM.');
    expect(after).to.equal('…place where your holiday starts. Check-in opens at 4 PM.');
  });

  it('cuts both sides at the same place around an edit in the middle, with ellipses on both ends', () => {
    const text = (word: string): string => `${'alpha beta gamma delta '.repeat(4)}${word} ${'epsilon zeta eta theta '.repeat(4)}`;
    const [before, after] = shortenPair(text('before'), text('after'));
    expect(before.startsWith('…') && before.endsWith('…')).to.equal(true);
    expect(after.startsWith('…') && after.endsWith('…')).to.equal(true);
    expect(before).to.include(' before epsilon');
    expect(after).to.include(' after epsilon');
    // Same start, and it is a word, not the middle of one.
    expect(before.slice(0, before.indexOf(' before'))).to.equal(after.slice(0, after.indexOf(' after')));
    expect(before).to.match(/^…(alpha|beta|gamma|delta) /);
    expect(chars(before)).to.equal(60);
    expect(chars(after)).to.equal(60);
  });

  it('shows the head when the edit is near the start, cut at the end as before', () => {
    const [before, after] = shortenPair(`Hello ${'x'.repeat(100)}`, `Howdy ${'x'.repeat(100)}`);
    expect(before).to.equal(`Hello ${'x'.repeat(53)}…`);
    expect(after).to.equal(`Howdy ${'x'.repeat(53)}…`);
  });

  it('shows text appended to a long value', () => {
    const long = 'word '.repeat(30).trim();
    const [before, after] = shortenPair(long, `${long} and more`);
    expect(before).to.match(/word$/);
    expect(after).to.match(/word and more$/);
  });

  it('makes newlines and tabs visible when the values differ only in whitespace', () => {
    expect(shortenPair('Line one\nLine two', 'Line one\n\nLine two')).to.deep.equal(['Line one\\nLine two', 'Line one\\n\\nLine two']);
    expect(shortenPair('a\tb', 'a b')).to.deep.equal(['a\\tb', 'a b']);
  });

  it('never cuts an emoji or a letter with its accent in two', () => {
    const prefix = 'x'.repeat(70);
    const [before, after] = shortenPair(`${prefix} sample app tour 🎉.`, `${prefix} sample app tour 🎉👩‍👩‍👧.`);
    expect(after).to.include('🎉👩‍👩‍👧.');
    expect(before).to.include('🎉.');
  });

  it('for any two different values: two different lines of at most the width', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '\\', 'é', '😀'), maxLength: 160 });
    fc.assert(
      fc.property(text, text, fc.integer({ min: 30, max: 80 }), (a, b, width) => {
        fc.pre(a !== b);
        const [before, after] = shortenPair(a, b, width);
        expect(chars(before)).to.be.at.most(width);
        expect(chars(after)).to.be.at.most(width);
        expect(before).not.to.equal(after);
        expect(before).not.to.match(/\n/);
        expect(after).not.to.match(/\n/);
      }),
      { numRuns: 2000 }
    );
  });
});
