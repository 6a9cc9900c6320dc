import { expect } from 'chai';
import { CatFileOutput } from '../../src/metadata/git/cat-file-output.js';

/** What git cat-file --batch writes for a found object. */
const found = (bytes: Buffer, id = 'a'.repeat(40)): Buffer => Buffer.concat([Buffer.from(`${id} blob ${bytes.length}\n`), bytes, Buffer.from('\n')]);
const text = (answers: Array<Buffer | undefined>): Array<string | undefined> => answers.map((bytes) => bytes?.toString('latin1'));

describe('CatFileOutput (git cat-file --batch answers)', () => {
  const objects = [Buffer.from('first\nwith a newline'), Buffer.alloc(0), Buffer.from('x'.repeat(300))];
  const stream = Buffer.concat([found(objects[0]), Buffer.from('HEAD:nothing missing\n'), found(objects[1]), found(objects[2]), Buffer.from('abc ambiguous\n')]);
  const expected = ['first\nwith a newline', undefined, '', 'x'.repeat(300), undefined];

  it('cuts a stream into its answers wherever the chunks end', () => {
    for (let size = 1; size <= stream.length; size++) {
      const output = new CatFileOutput();
      const answers: Array<Buffer | undefined> = [];
      for (let at = 0; at < stream.length; at += size) answers.push(...output.push(stream.subarray(at, at + size)));
      expect(text(answers), `chunks of ${size}`).to.deep.equal(expected);
    }
  });

  it('answers nothing until an object is complete, then all that a chunk completes', () => {
    const output = new CatFileOutput();
    const split = found(objects[0]).length - 1; // all but the trailing newline
    expect(output.push(stream.subarray(0, split))).to.deep.equal([]);
    expect(text(output.push(stream.subarray(split)))).to.deep.equal(expected);
  });

  it('hands out an object that is most of its chunk as a view, without a second copy', () => {
    const large = Buffer.alloc(400_000, 7);
    const chunk = found(large);
    const [answer] = new CatFileOutput().push(chunk);
    expect(answer!.equals(large)).to.equal(true);
    expect(answer!.buffer).to.equal(chunk.buffer);
  });

  it('copies a small object out of a large chunk, so that it does not keep the chunk alive', () => {
    const large = Buffer.alloc(400_000, 7);
    const chunk = Buffer.concat([found(large), found(Buffer.from('small'))]);
    const [big, small] = new CatFileOutput().push(chunk);
    expect(small!.toString()).to.equal('small');
    expect(small!.buffer).to.not.equal(chunk.buffer);
    // The large one shares the chunk: it is most of it.
    expect(big!.buffer).to.equal(chunk.buffer);
  });

  it('forgets a half-received answer on reset', () => {
    const output = new CatFileOutput();
    output.push(stream.subarray(0, 10));
    output.reset();
    expect(text(output.push(found(Buffer.from('next'))))).to.deep.equal(['next']);
  });
});
