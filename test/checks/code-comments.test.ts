import { expect } from 'chai';
import { inCommentOf } from '../../src/checks/code-comments.js';

/** The characters of `text` that `inCommentOf` puts in comments, as a string of the same length (`#` for comment). */
function marked(text: string, kind: Parameters<typeof inCommentOf>[1]): string {
  const inComment = inCommentOf(text, kind);
  return [...text].map((char, offset) => (inComment(offset) ? '#' : char)).join('');
}

describe('comments of code files (inCommentOf)', () => {
  it('finds line and block comments of Apex, and skips over its strings', () => {
    expect(marked("a // b\nc /* d */ e 'f // g' h", 'apex')).to.equal("a ####\nc ####### e 'f // g' h");
    expect(marked("x = 'it\\'s // not';/* open", 'trigger')).to.equal("x = 'it\\'s // not';#######");
  });

  it('reads the three JavaScript quotes, a template literal across lines included', () => {
    expect(marked('a = "//x"; b = `/*\n*/`; // c', 'lwc-js')).to.equal('a = "//x"; b = `/*\n*/`; ####');
    // An Apex string is single-quoted: a double quote there opens nothing.
    expect(marked('s = "a"; // c', 'apex')).to.equal('s = "a"; ####');
  });

  it('finds none in files that are not code', () => {
    expect(marked('<!-- // -->', 'flow')).to.equal('<!-- // -->');
  });
});
