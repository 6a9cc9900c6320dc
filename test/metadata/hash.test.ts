import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { combineHashes, gitBlobId } from '../../src/metadata/hash.js';

describe('hashes', () => {
  it("gitBlobId is git's own blob id", () => {
    for (const text of ['', 'a\n', 'données é\r\n', '\0binary\xff']) {
      const bytes = Buffer.from(text, 'utf8');
      expect(gitBlobId(bytes), JSON.stringify(text)).to.equal(execFileSync('git', ['hash-object', '--stdin'], { input: bytes, encoding: 'utf8' }).trim());
    }
  });

  it('combineHashes is the SHA-1 of the name-ordered "name NUL hash" lines, whatever order the files come in', () => {
    const parts = [
      ['b/two.xml', '2'.repeat(40)],
      ['a.cls', '1'.repeat(40)],
      ['é.txt', '3'.repeat(40)],
    ] as const;
    const expected = createHash('sha1').update(`a.cls\0${'1'.repeat(40)}\nb/two.xml\0${'2'.repeat(40)}\né.txt\0${'3'.repeat(40)}\n`).digest('hex');
    expect(combineHashes(parts)).to.equal(expected);
    expect(combineHashes([parts[2], parts[0], parts[1]])).to.equal(expected);
    expect(combineHashes([parts[0], parts[1]])).to.not.equal(expected);
  });
});
