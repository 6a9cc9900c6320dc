import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { generateHistory, generateOrg, listTree, mutateOrg, type MutationReport } from '../../bench/generate.js';
import { readSource, parseSourceSpec } from '../../src/metadata/sources/index.js';
import type { Snapshot } from '../../src/metadata/types.js';

function hashTree(root: string): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const path of listTree(root)) hashes.set(path, createHash('sha1').update(readFileSync(join(root, path))).digest('hex'));
  return hashes;
}

function treeDigest(root: string): string {
  const hash = createHash('sha1');
  for (const [path, digest] of hashTree(root)) hash.update(`${path}\0${digest}\n`);
  return hash.digest('hex');
}

/** What really changed between two trees, by content hash. */
function realDiff(before: Map<string, string>, after: Map<string, string>): { added: string[]; modified: string[]; deleted: string[] } {
  const added = [...after.keys()].filter((path) => !before.has(path)).sort();
  const deleted = [...before.keys()].filter((path) => !after.has(path)).sort();
  const modified = [...after.keys()].filter((path) => before.has(path) && before.get(path) !== after.get(path)).sort();
  return { added, modified, deleted };
}

async function read(root: string): Promise<Snapshot> {
  return readSource(parseSourceSpec(`dir:${root}`), { apiVersion: '62.0', projectDir: root });
}

describe('bench generator', function () {
  this.timeout(120_000);
  let work: string;
  let base: string;
  let baseFiles: number;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'sf-federate-bench-'));
    base = join(work, 'base');
    baseFiles = generateOrg({ seed: 7, files: 1200, outDir: base }).files;
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  describe('generateOrg', () => {
    it('writes the same bytes for the same seed, and other bytes for another seed', () => {
      const again = join(work, 'again');
      const other = join(work, 'other');
      generateOrg({ seed: 7, files: 1200, outDir: again });
      generateOrg({ seed: 8, files: 1200, outDir: other });
      expect(treeDigest(again)).to.equal(treeDigest(base));
      expect(treeDigest(other)).to.not.equal(treeDigest(base));
    });

    it('lands within 3% of the requested file count and reports what it wrote', () => {
      expect(listTree(base).length).to.equal(baseFiles);
      expect(Math.abs(baseFiles - 1200) / 1200).to.be.below(0.03);
      const bigger = generateOrg({ seed: 3, files: 1500, outDir: join(work, 'bigger') });
      expect(Math.abs(bigger.files - 1500) / 1500).to.be.below(0.03);
    });

    it('writes an SFDX project in source format that SDR resolves with no unclassified file', async () => {
      const project = JSON.parse(readFileSync(join(base, 'sfdx-project.json'), 'utf8')) as { packageDirectories: Array<{ path: string }>; sourceApiVersion: string };
      expect(project.packageDirectories[0].path).to.equal('force-app');
      expect(project.sourceApiVersion).to.match(/^\d+\.0$/);
      const snapshot = await read(base);
      expect(snapshot.unclassified).to.deep.equal([]);
      const types = new Set([...snapshot.components.values()].map((component) => component.type));
      for (const type of [
        'CustomObject', 'CustomField', 'RecordType', 'ValidationRule', 'ListView', 'Layout', 'CustomTab', 'Profile', 'PermissionSet',
        'CustomLabels', 'Translations', 'CustomObjectTranslation', 'CustomFieldTranslation', 'ApexClass', 'LightningComponentBundle',
        'Workflow', 'SharingRules', 'NamedCredential', 'RemoteSiteSetting',
      ]) {
        expect(types, type).to.include(type);
      }
    });

    it('writes metadata XML the way Salesforce does: declaration, namespace, four-space indent', () => {
      const metaFiles = listTree(base).filter((path) => path.endsWith('-meta.xml'));
      expect(metaFiles.length).to.be.above(500);
      for (const path of metaFiles) {
        const text = readFileSync(join(base, path), 'utf8');
        const lines = text.split('\n');
        expect(lines[0], path).to.equal('<?xml version="1.0" encoding="UTF-8"?>');
        expect(lines[1], path).to.match(/^<\w+ xmlns="http:\/\/soap\.sforce\.com\/2006\/04\/metadata">$/);
        expect(text.endsWith('>\n'), path).to.equal(true);
        for (const line of lines.slice(2, -2)) expect(/^( {4})+</.test(line), `${path}: ${line}`).to.equal(true);
      }
    });

    it('grants every optional custom field in every profile, so profiles grow with objects × fields', () => {
      const files = listTree(base);
      const optionalFields = files.filter((path) => path.endsWith('.field-meta.xml') && !readFileSync(join(base, path), 'utf8').includes('<required>true</required>'));
      const profiles = files.filter((path) => path.endsWith('.profile-meta.xml'));
      expect(profiles.length).to.be.at.least(3);
      for (const profile of profiles) {
        const text = readFileSync(join(base, profile), 'utf8');
        expect(text.split('<fieldPermissions>').length - 1, profile).to.equal(optionalFields.length);
        expect(text.split('<objectPermissions>').length - 1, profile).to.equal(files.filter((path) => path.endsWith('.object-meta.xml')).length);
        expect(text).to.include('<classAccesses>').and.include('<tabVisibilities>').and.include('<userPermissions>');
      }
    });
  });

  describe('mutateOrg', () => {
    let mutated: string;
    let report: MutationReport;
    let original: Map<string, string>;

    before(() => {
      mutated = join(work, 'mutated');
      cpSync(base, mutated, { recursive: true });
      original = hashTree(mutated);
      report = mutateOrg(mutated, { seed: 11, fraction: 0.03 });
    });

    it('reports exactly the files that changed', () => {
      const real = realDiff(original, hashTree(mutated));
      expect([...report.added].sort()).to.deep.equal(real.added);
      expect([...report.modified].sort()).to.deep.equal(real.modified);
      expect([...report.deleted].sort()).to.deep.equal(real.deleted);
      expect(report.filesAfter).to.equal(listTree(mutated).length);
    });

    it('changes roughly the requested fraction of the files', () => {
      const changed = report.added.length + report.modified.length + report.deleted.length;
      expect(report.target).to.equal(Math.round(0.03 * baseFiles));
      expect(changed).to.be.at.least(report.target * 0.9).and.at.most(report.target * 1.6);
      expect(new Set(report.mutations.map((mutation) => mutation.kind)).size).to.be.at.least(5);
    });

    it('is deterministic for a seed, and leaves a tree SDR still reads in full', async () => {
      const twin = join(work, 'twin');
      cpSync(base, twin, { recursive: true });
      const twinReport = mutateOrg(twin, { seed: 11, fraction: 0.03 });
      expect(treeDigest(twin)).to.equal(treeDigest(mutated));
      expect(twinReport.mutations).to.deep.equal(report.mutations);
      expect((await read(mutated)).unclassified).to.deep.equal([]);
    });

    it('does only the kinds asked for, and reports renames and moves as pairs', async () => {
      const renames = join(work, 'renames');
      cpSync(base, renames, { recursive: true });
      const renamed = mutateOrg(renames, { seed: 2, fraction: 0.01, kinds: ['apex-rename', 'move'] });
      expect(new Set(renamed.mutations.map((mutation) => mutation.kind))).to.satisfy((kinds: Set<string>) => [...kinds].every((kind) => kind === 'apex-rename' || kind === 'move'));
      expect(renamed.renamed.length).to.equal(renamed.added.length).and.to.be.above(0);
      for (const { from, to } of renamed.renamed) {
        expect(renamed.deleted).to.include(from);
        expect(renamed.added).to.include(to);
      }
      expect((await read(renames)).unclassified).to.deep.equal([]);
    });
  });

  describe('generateHistory', () => {
    it('makes a repository of the import plus the requested commits, each commit being its mutation report, with fixed ids', async () => {
      const repo = join(work, 'history');
      const history = await generateHistory(repo, { seed: 5, files: 600, commits: 3, fractionPerCommit: 0.02 });
      const git = async (...args: string[]): Promise<string> => (await execa('git', args, { cwd: repo })).stdout.trim();
      expect(await git('rev-list', '--count', 'HEAD')).to.equal('4');
      expect(history.commits.map((commit) => commit.sha)).to.deep.equal((await git('rev-list', '--reverse', 'HEAD')).split('\n').slice(1));
      expect(await git('status', '--porcelain')).to.equal('');
      for (const commit of history.commits) {
        // eslint-disable-next-line no-await-in-loop
        const names = (await git('-c', 'core.quotepath=false', 'diff', '--no-renames', '--name-status', `${commit.sha}~1`, commit.sha)).split('\n');
        const byStatus = (status: string): string[] => names.filter((line) => line.startsWith(`${status}\t`)).map((line) => line.slice(2)).sort();
        expect(byStatus('A')).to.deep.equal([...commit.changes.added].sort());
        expect(byStatus('M')).to.deep.equal([...commit.changes.modified].sort());
        expect(byStatus('D')).to.deep.equal([...commit.changes.deleted].sort());
      }
      const again = await generateHistory(join(work, 'history-again'), { seed: 5, files: 600, commits: 3, fractionPerCommit: 0.02 });
      expect(again.commits.map((commit) => commit.sha)).to.deep.equal(history.commits.map((commit) => commit.sha));
      expect(again.initial).to.equal(history.initial);
    });
  });
});
