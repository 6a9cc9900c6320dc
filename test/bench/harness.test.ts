import { existsSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { formatTable, loadScenarios, makeContext, measure, scratchFolder, TMPFS_MAGIC } from '../../bench/run.js';

describe('bench harness', function () {
  this.timeout(60_000);
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'sf-federate-harness-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('measure: wall time, peak memory of the child and its output', async () => {
    const script = 'const b = Buffer.alloc(160 * 1024 * 1024, 1); setTimeout(() => console.log("done", b.length), 300);';
    const result = await measure([process.execPath, '-e', script]);
    expect(result.stdout.trim()).to.equal(`done ${160 * 1024 * 1024}`);
    expect(result.wallMs).to.be.at.least(300);
    expect(result.peakRssMb).to.be.at.least(150).and.below(1000);
    const small = await measure([process.execPath, '-e', 'console.log(1)']);
    expect(small.peakRssMb).to.be.above(10).and.below(result.peakRssMb - 100);
  });

  it('measure: a failing command throws with its stderr, unless failure is allowed', async () => {
    const command = [process.execPath, '-e', 'console.error("boom"); process.exit(3)'];
    let thrown: Error | undefined;
    try {
      await measure(command);
    } catch (error) {
      thrown = error as Error;
    }
    expect(thrown?.message).to.include('exited with 3').and.include('boom');
    const allowed = await measure(command, { allowFailure: true });
    expect(allowed.exitCode).to.equal(3);
  });

  it('formatTable: rows of a case are compared with its baseline', () => {
    const table = formatTable([
      { scenario: 's', case: 'c', tool: 'peer-tool', wallMs: 1000, peakRssMb: 50, baseline: true },
      { scenario: 's', case: 'c', tool: 'ours', wallMs: 500, peakRssMb: 80 },
      { scenario: 's', case: 'other', tool: 'alone', wallMs: 20, peakRssMb: 5, ok: false, note: 'broke' },
    ]);
    const lines = table.split('\n');
    expect(lines[2]).to.include('peer-tool').and.include('1.00 s').and.include('peer');
    expect(lines[3]).to.include('ours').and.include('500 ms').and.include('80 MB').and.include('2.0× faster than peer-tool');
    expect(lines[4]).to.include('FAILED').and.include('broke');
  });

  it('caches generated trees by seed and size', async () => {
    const context = makeContext({ seed: 4, outDir: work, log: () => undefined });
    const first = await context.org({ files: 300 });
    const marker = join(first.root, 'sfdx-project.json');
    writeFileSync(marker, readFileSync(marker, 'utf8') + ' ');
    const second = await context.org({ files: 300 });
    expect(second.root).to.equal(first.root);
    expect(readFileSync(marker, 'utf8').endsWith(' ')).to.equal(true);
    const other = await context.org({ files: 300, seed: 5 });
    expect(other.root).to.not.equal(first.root);
    const mutated = await context.mutated({ files: 300, fraction: 0.02 });
    expect(mutated.base.root).to.equal(first.root);
    expect(mutated.report.modified.length + mutated.report.added.length + mutated.report.deleted.length).to.be.at.least(mutated.report.target);
  });

  it('scratchFolder: a fresh folder of its own under --scratch, told apart from a tmpfs', () => {
    const first = scratchFolder(join(work, 'scratch'));
    const second = scratchFolder(join(work, 'scratch'));
    expect(first.dir.startsWith(join(work, 'scratch', 'sf-federate-bench-'))).to.equal(true);
    expect(second.dir).to.not.equal(first.dir);
    expect(existsSync(first.dir)).to.equal(true);
    expect(first.tmpfs).to.equal(statfsSync(work).type === TMPFS_MAGIC);
  });

  it('scratchFolder: by default on /dev/shm where that is a tmpfs, else in the OS temp folder (outputs off the disk)', () => {
    const shmIsTmpfs = existsSync('/dev/shm') && statfsSync('/dev/shm').type === TMPFS_MAGIC;
    const scratch = scratchFolder();
    try {
      expect(scratch.dir.startsWith(join(shmIsTmpfs ? '/dev/shm' : tmpdir(), 'sf-federate-bench-'))).to.equal(true);
      expect(scratch.tmpfs).to.equal(shmIsTmpfs || statfsSync(tmpdir()).type === TMPFS_MAGIC);
    } finally {
      rmSync(scratch.dir, { recursive: true, force: true });
    }
  });

  it('finds the scenarios in bench/scenarios, the diff scenario among them', async () => {
    const loaded = await loadScenarios();
    const diff = loaded.find((entry) => entry.name === 'diff');
    expect(diff?.scenario?.description).to.match(/federate diff/);
    expect(diff?.file).to.equal('diff.ts');
  });
});
