import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SfError } from '@salesforce/core';
import { expect } from 'chai';
import { runDiff } from '../../src/compare/run-diff.js';
import { runOverlayApply } from '../../src/overlay/run.js';
import { apexClass } from '../git/repo-helper.js';
import { TempDirs, writeFiles } from './support.js';

async function failure(run: Promise<unknown>): Promise<SfError> {
  try {
    await run;
  } catch (error) {
    return error as SfError;
  }
  throw new Error('expected the run to fail');
}

describe('output folders that cannot be used', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  const project = (): string => {
    const dir = temp.make();
    writeFiles(dir, {
      'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0' }),
      'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china }\n',
      'overlays/china/overlay.yml': 'exclude: []\n',
      ...apexClass('A'),
    });
    return dir;
  };

  it('a file, or a folder holding what sf-federate did not write: exit 2, named, and left as it was', async () => {
    const dir = project();
    const other = temp.make();
    writeFiles(other, { 'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }), ...apexClass('A', 'public class A { }') });
    writeFiles(dir, { 'build.txt': 'keep me\n', 'mine/notes.md': 'keep me too\n' });

    const asFile = await failure(runDiff({ from: 'dir:.', to: `dir:${other}`, cwd: dir, outputDir: 'build.txt' }));
    expect([asFile.name, asFile.exitCode, asFile.message]).to.deep.equal(['OutputDirIsAFileError', 2, `${join(dir, 'build.txt')} is a file, not a folder.`]);
    const notOurs = await failure(runDiff({ from: 'dir:.', to: `dir:${other}`, cwd: dir, outputDir: 'mine' }));
    expect([notOurs.name, notOurs.exitCode]).to.deep.equal(['OutputDirNotEmptyError', 2]);

    const applyAsFile = await failure(runOverlayApply({ cwd: dir, region: 'china', outputDir: 'build.txt' }));
    expect([applyAsFile.name, applyAsFile.exitCode]).to.deep.equal(['OutputIsAFileError', 2]);
    const applyNotOurs = await failure(runOverlayApply({ cwd: dir, region: 'china', outputDir: 'mine' }));
    expect([applyNotOurs.name, applyNotOurs.exitCode]).to.deep.equal(['OutputNotEmptyError', 2]);

    expect(readFileSync(join(dir, 'build.txt'), 'utf8')).to.equal('keep me\n');
    expect(readdirSync(join(dir, 'mine'))).to.deep.equal(['notes.md']);
  });
});
