import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { generateHistory, type GeneratedHistory } from '../../bench/generate.js';
import { runSgd } from '../../bench/sgd/run-sgd.js';
import { CONTAINER_OF_CHANGED_CHILD, differencesWith, flatten, ourDelta, unexplained, wholeTreeChanges, type AllowEntry } from './sgd-compare.js';

/*
 * Same answer as sfdx-git-delta 6.31.0: on ranges of a generated repository history, the members of package.xml and
 * of the destructive manifests agree with sgd's, except for the differences below, each deliberate and documented in
 * docs/git.md ("Differences from sfdx-git-delta"). test/git/sgd-real-formats.test.ts does the same on a repository in
 * the shapes real projects have.
 */

/**
 * The allow-list. Each entry says why the difference is deliberate; a difference no entry explains fails the test.
 */
const ALLOWED: readonly AllowEntry[] = [CONTAINER_OF_CHANGED_CHILD];

describe('same answer as sfdx-git-delta', function () {
  this.timeout(120_000);
  let history: GeneratedHistory;
  let dir: string;
  let output: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sf-federate-sgd-history-'));
    output = mkdtempSync(join(tmpdir(), 'sf-federate-sgd-out-'));
    history = await generateHistory(dir, { seed: 7, files: 900, commits: 6, fractionPerCommit: 0.05 });
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(output, { recursive: true, force: true });
  });

  it('the generated history exercises every kind of change the comparison is about', () => {
    const kinds = new Set(history.commits.flatMap((commit) => commit.changes.mutations.map((mutation) => mutation.kind)));
    for (const kind of ['field-label', 'field-add', 'field-remove', 'label-value', 'label-add', 'label-remove', 'profile-permission', 'permset-permission', 'workflow', 'sharing', 'translation', 'apex-rename', 'move', 'delete']) {
      expect([...kinds], kind).to.include(kind);
    }
  });

  const ranges: Array<[string, (h: GeneratedHistory) => [string, string]]> = [
    ['import..change 2', (h): [string, string] => [h.initial, h.commits[1].sha]],
    ['change 2..change 6', (h): [string, string] => [h.commits[1].sha, h.commits[5].sha]],
    ['change 3..change 4', (h): [string, string] => [h.commits[2].sha, h.commits[3].sha]],
    ['import..change 6', (h): [string, string] => [h.initial, h.commits[5].sha]],
  ];

  for (const [name, range] of ranges) {
    it(`agrees on package.xml and destructive members over ${name}`, async () => {
      const [from, to] = range(history);
      const sgd = await runSgd({ repo: dir, from, to, output: join(output, name.replace(/\W+/g, '-')) });
      const delta = await ourDelta(dir, from, to);
      const ours = delta.members;

      expect(unexplained(differencesWith(ours, sgd), ALLOWED, delta, sgd), 'differences from sgd that no allow-list entry explains').to.deep.equal([]);
      // The comparison is not vacuous: both found the same, non-trivial, delta.
      expect(flatten(ours.package).size).to.be.greaterThan(10);
      expect([...flatten(ours.package)].some((member) => member.startsWith('CustomLabel:'))).to.equal(true);
    });

    it(`reads only the changed paths over ${name}, and compares exactly as the whole trees do`, async () => {
      const [from, to] = range(history);
      const delta = await ourDelta(dir, from, to);
      const whole = await wholeTreeChanges(dir, from, to);
      expect(delta.changeset.changes).to.deep.equal(whole.changes);
      expect(delta.changeset.unclassified).to.deep.equal(whole.unclassified);
      expect(delta.from.components.size).to.be.below(history.files / 2);
    });
  }
});
