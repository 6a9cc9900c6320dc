import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { runDiff } from '../../src/compare/run-diff.js';
import { DEFAULT_DIR as D, PROJECT_JSON, TestRepo, apexClass, customObject } from './repo-helper.js';

/*
 * Metadata moved out of every package directory of the `to` ref (objects/ into core/, sfdx-project.json left saying
 * force-app) is a layout mistake: the delta must not delete it from the org, and says where the files went. A real
 * deletion in the same range is still deleted, also when an old copy of the file lies outside (an archive folder).
 */
describe('git delta: metadata moved outside the package directories is not deleted', function () {
  this.timeout(60_000);

  it('leaves out what moved to an undeclared folder, with a warning naming it, and deletes the rest', async () => {
    const repo = new TestRepo();
    try {
      const moved = (files: Record<string, string>, to: string): Record<string, string | null> =>
        Object.fromEntries(Object.entries(files).flatMap(([path, text]) => [[path, null], [path.replace(`${D}/`, `${to}/`), text]]));
      const archived = Object.fromEntries(Object.entries(apexClass('Legacy')).map(([path, text]) => [path.replace(`${D}/`, 'archive/'), text]));
      const from = repo.commit({ 'sfdx-project.json': PROJECT_JSON, ...customObject('Product__c'), ...apexClass('Keep'), ...apexClass('Gone'), ...apexClass('Legacy'), ...archived }, 'one');
      const to = repo.commit({ ...moved(customObject('Product__c'), 'core'), ...moved(apexClass('Keep'), 'core'), [`${D}/classes/Gone.cls`]: null, [`${D}/classes/Gone.cls-meta.xml`]: null, [`${D}/classes/Legacy.cls`]: null, [`${D}/classes/Legacy.cls-meta.xml`]: null }, 'move');
      const out = join(repo.dir, 'delta');
      const result = await runDiff({ from: `git:${from}`, to: `git:${to}`, cwd: repo.dir, outputDir: out });
      const destructive = readFileSync(join(out, 'destructiveChangesPost.xml'), 'utf8');
      expect(destructive).to.include('<members>Gone</members>').and.include('<members>Legacy</members>');
      expect(destructive).to.not.include('Product__c').and.not.include('<members>Keep</members>');
      expect(result.changes.map((change) => `${change.kind} ${change.key}`)).to.deep.equal(['removed ApexClass:Gone', 'removed ApexClass:Legacy']);
      const warning = result.warnings.find((text) => text.includes('moved outside the package directories'));
      expect(warning).to.be.a('string').and.include('force-app').and.include('to core').and.include('ApexClass:Keep').and.include('CustomObject:Product__c');
    } finally {
      repo.remove();
    }
  });
});

describe('git delta: --source-dir naming a package directory the range adds', function () {
  this.timeout(60_000);

  it('reads it as empty at `from` (all of it added), and still refuses one that `to` lacks', async () => {
    const repo = new TestRepo();
    try {
      const twoDirs = JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }, { path: 'core' }], sourceApiVersion: '62.0' });
      const inCore = Object.fromEntries(Object.entries(apexClass('Billing')).map(([path, text]) => [path.replace(`${D}/`, 'core/main/default/'), text]));
      const from = repo.commit({ 'sfdx-project.json': PROJECT_JSON, ...apexClass('Keep') }, 'one');
      const to = repo.commit({ 'sfdx-project.json': twoDirs, ...inCore }, 'adds the core package directory');
      const result = await runDiff({ from: `git:${from}`, to: `git:${to}`, cwd: repo.dir, sourceDirs: ['core'] });
      expect(result.changes.map((change) => `${change.kind} ${change.key}`)).to.deep.equal(['added ApexClass:Billing']);
      let refused: (Error & { name?: string }) | undefined;
      try {
        await runDiff({ from: `git:${to}`, to: `git:${from}`, cwd: repo.dir, sourceDirs: ['core'] });
      } catch (error) {
        refused = error as Error;
      }
      expect(refused?.name).to.equal('MissingPathAtRefError');
    } finally {
      repo.remove();
    }
  });
});
