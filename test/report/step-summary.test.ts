import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { appendStepSummary } from '../../src/report/step-summary.js';

describe('appendStepSummary', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sf-federate-summary-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('appends to the file $GITHUB_STEP_SUMMARY names, one block after another', async () => {
    const file = join(dir, 'summary.md');
    expect(await appendStepSummary('### first', { GITHUB_STEP_SUMMARY: file })).to.equal(true);
    expect(await appendStepSummary('### second\n', { GITHUB_STEP_SUMMARY: file })).to.equal(true);
    expect(readFileSync(file, 'utf8')).to.equal('### first\n### second\n');
  });

  it('does nothing outside GitHub Actions', async () => {
    expect(await appendStepSummary('### x', {})).to.equal(false);
    expect(existsSync(join(dir, 'summary.md'))).to.equal(true);
  });
});
