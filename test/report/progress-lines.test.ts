import { expect } from 'chai';
import type { ProgressEvent } from '../../src/metadata/types.js';
import { lineProgress } from '../../src/report/progress-lines.js';

/** A clock the test moves by hand. */
function clock(): { now: () => number; advance: (ms: number) => void } {
  let time = 1_000_000;
  return { now: () => time, advance: (ms) => (time += ms) };
}

/** The events an org discovery sends: a phase, then one count per listMetadata call of 3 types. */
function discovery(types: number): ProgressEvent[] {
  const events: ProgressEvent[] = [{ kind: 'phase', message: 'Listing the metadata of org emu' }];
  for (let done = 3; done < types + 3; done += 3) events.push({ kind: 'count', message: 'Metadata types listed', done: Math.min(done, types), total: types });
  return events;
}

describe('lineProgress (progress in a CI log: stderr is not a terminal)', () => {
  it('prints a count of hundreds of steps in a bounded number of lines: its start and its end', () => {
    const lines: string[] = [];
    const time = clock();
    const progress = lineProgress({ write: (line) => lines.push(line), now: time.now });
    for (const event of discovery(534)) progress.listener(event);
    progress.stop();
    expect(lines).to.deep.equal(['Listing the metadata of org emu...', 'Metadata types listed 3/534', 'Metadata types listed 534/534']);
  });

  it('adds at most one line every interval while a slow count runs', () => {
    const lines: string[] = [];
    const time = clock();
    const progress = lineProgress({ write: (line) => lines.push(line), now: time.now, intervalMs: 5000 });
    // 178 calls, 100 ms apart: 17.8 s in all.
    for (const event of discovery(534)) {
      time.advance(100);
      progress.listener(event);
    }
    progress.stop();
    expect(lines[0]).to.equal('Listing the metadata of org emu...');
    expect(lines.at(-1)).to.equal('Metadata types listed 534/534');
    // The start, one line per 5 s of the 17.8 s, the end.
    expect(lines.length).to.be.at.most(1 + 1 + 4 + 1);
    expect(lines.length).to.be.at.least(1 + 1 + 3 + 1);
  });

  it('ends a count without a total with its last value, when the next phase starts or the run ends', () => {
    const lines: string[] = [];
    const progress = lineProgress({ write: (line) => lines.push(line), now: clock().now });
    progress.listener({ kind: 'phase', message: 'Retrieving from org emu (10 component(s) in 3 batch(es))' });
    for (const done of [4, 8, 10]) progress.listener({ kind: 'count', message: 'Files retrieved', done });
    progress.listener({ kind: 'phase', message: 'Resolving metadata in emu' });
    for (const done of [2000, 4000]) progress.listener({ kind: 'count', message: 'Hashing files', done });
    progress.stop();
    expect(lines).to.deep.equal([
      'Retrieving from org emu (10 component(s) in 3 batch(es))...',
      'Files retrieved 4',
      'Files retrieved 10',
      'Resolving metadata in emu...',
      'Hashing files 2000',
      'Hashing files 4000',
    ]);
  });

  it('prints each phase once and never a warning (the command prints those)', () => {
    const lines: string[] = [];
    const progress = lineProgress({ write: (line) => lines.push(line), now: clock().now });
    progress.listener({ kind: 'phase', message: 'Reading sources' });
    progress.listener({ kind: 'phase', message: 'Reading sources' });
    progress.listener({ kind: 'warning', message: 'Retrieve batch 1 of 3 failed' });
    progress.listener({ kind: 'phase', message: 'Comparing components' });
    progress.stop();
    expect(lines).to.deep.equal(['Reading sources...', 'Comparing components...']);
  });
});
