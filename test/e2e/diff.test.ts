import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ComponentSet } from '@salesforce/source-deploy-retrieve';
import type { DiffResult } from '../../src/compare/result.js';
import { PLUGIN_DIR, sfSandbox, type SfSandbox } from './sf.js';

// The real `sf` binary with the plugin linked, on the embedded example: what a release manager types.
describe('e2e: sf federate diff (real sf CLI, plugin linked)', function () {
  this.timeout(300_000);
  let sf: SfSandbox;
  let work: string;

  before(async () => {
    sf = await sfSandbox();
    work = mkdtempSync(join(tmpdir(), 'sf-federate-e2e-'));
  });
  after(() => {
    sf?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it('diffs the global and China examples with --json, element by element', async () => {
    const run = await sf.run(['federate', 'diff', '--from', 'dir:examples/global', '--to', 'dir:examples/china', '--json']);
    expect(run.exitCode, run.stderr).to.equal(0);
    const result = run.json?.result as DiffResult;
    expect(result.from.spec).to.equal('dir:examples/global');
    const payments = result.changes.find((change) => change.key === 'NamedCredential:Payments');
    expect(payments?.kind).to.equal('changed');
    expect(payments?.elements).to.deep.include({ path: 'endpoint', kind: 'changed', before: 'https://payments.example.com', after: 'https://payments.example.cn' });
    expect(result.changes.find((change) => change.key === 'RemoteSiteSetting:WeChat_API')?.kind).to.equal('added');
    expect(result.changes.find((change) => change.key === 'GenAiPromptTemplate:Order_Summary')?.kind).to.equal('removed');
    expect(result.notDeletable.map((entry) => `${entry.type}:${entry.fullName}`)).to.include('Settings:EinsteinGpt');
    expect(result.summary.total).to.equal(result.changes.length);
    // --json keeps stdout a single JSON document: no spinner or table leaked into it.
    expect(run.stdout.trim().startsWith('{')).to.equal(true);
  });

  it('exits 1 with --exit-code when there are differences, 0 when there are none', async () => {
    const differs = await sf.run(['federate', 'diff', '--from', 'dir:examples/global', '--to', 'dir:examples/china', '--exit-code']);
    expect(differs.exitCode).to.equal(1);
    expect(differs.stdout).to.contain('NamedCredential');
    const same = await sf.run(['federate', 'diff', '--from', 'dir:examples/global', '--to', 'dir:examples/global', '--exit-code']);
    expect(same.exitCode, same.stderr).to.equal(0);
  });

  it('writes manifests that SDR reads back, and a markdown report', async () => {
    const outputDir = join(work, 'delta');
    const run = await sf.run(['federate', 'diff', '--from', 'dir:examples/global', '--to', 'dir:examples/china', '--output-dir', outputDir, '--format', 'markdown']);
    expect(run.exitCode, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^#+ /m);
    expect(run.stdout).to.contain('NamedCredential');
    const set = await ComponentSet.fromManifest({
      manifestPath: join(outputDir, 'package.xml'),
      destructivePost: join(outputDir, 'destructiveChangesPost.xml'),
    });
    const members = [...set].map((component) => `${component.type.name}:${component.fullName}`);
    expect(members).to.include('NamedCredential:Payments');
    expect(members).to.include('RemoteSiteSetting:Stripe_API');
    expect(readFileSync(join(outputDir, 'destructiveChangesPost.xml'), 'utf8')).to.contain('<members>Stripe_API</members>');
  });

  it('fails with exit code 2, a named error and nothing written for a missing path', async () => {
    const outputDir = join(work, 'never');
    const run = await sf.run(['federate', 'diff', '--from', 'dir:examples/nope', '--to', 'dir:examples/china', '--output-dir', outputDir, '--json']);
    expect(run.exitCode).to.equal(2);
    expect(run.json?.name).to.equal('MissingPathError');
    expect(run.json?.message).to.contain('examples/nope');
    expect(existsSync(outputDir)).to.equal(false);
  });

  it('exits 2, not the 1 of differences found, for a flag value it does not take or a flag it does not know', async () => {
    const badValue = await sf.run(['federate', 'diff', '--from', 'dir:examples/global', '--to', 'dir:examples/china', '--format', 'json', '--exit-code']);
    expect([badValue.exitCode, badValue.stderr]).to.satisfy(([code, stderr]: [number, string]) => code === 2 && stderr.includes('--format'));
    const unknown = await sf.run(['federate', 'diff', '--from', 'dir:examples/global', '--to', 'dir:examples/china', '--no-such-flag', '--json']);
    expect(unknown.exitCode).to.equal(2);
  });

  it('reports malformed XML with file, line and column, and writes nothing', async () => {
    const project = join(work, 'broken');
    const classes = join(project, 'force-app', 'main', 'default', 'classes');
    mkdirSync(classes, { recursive: true });
    writeFileSync(join(project, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0' }));
    writeFileSync(join(classes, 'Foo.cls'), 'public class Foo {}');
    writeFileSync(join(classes, 'Foo.cls-meta.xml'), '<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">\n    <apiVersion>62.0</apiVersion>\n    <status>Active</status>\n</ApexClas>\n');
    const good = join(work, 'good');
    mkdirSync(join(good, 'force-app', 'main', 'default', 'classes'), { recursive: true });
    writeFileSync(join(good, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0' }));
    writeFileSync(join(good, 'force-app', 'main', 'default', 'classes', 'Foo.cls'), 'public class Foo {}');
    writeFileSync(join(good, 'force-app', 'main', 'default', 'classes', 'Foo.cls-meta.xml'), '<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">\n    <apiVersion>61.0</apiVersion>\n    <status>Active</status>\n</ApexClass>\n');
    const outputDir = join(work, 'not-written');
    const run = await sf.run(['federate', 'diff', '--from', `dir:${good}`, '--to', `dir:${project}`, '--output-dir', outputDir, '--json']);
    expect(run.exitCode).to.equal(2);
    expect(run.json?.message).to.match(/Foo\.cls-meta\.xml:5:\d+/);
    expect(existsSync(outputDir)).to.equal(false);
  });

  it('builds a delta package with deployable sources between two git refs', async () => {
    const repo = join(work, 'repo');
    cpSync(join(PLUGIN_DIR, 'examples', 'global'), repo, { recursive: true });
    const git = (...args: string[]): void => {
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo });
    };
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'base');
    const labels = join(repo, 'force-app', 'main', 'default', 'labels', 'CustomLabels.labels-meta.xml');
    writeFileSync(labels, readFileSync(labels, 'utf8').replace('https://brightleaf.my.site.com/support', 'https://help.brightleaf.example.com'));
    rmSync(join(repo, 'force-app', 'main', 'default', 'remoteSiteSettings', 'Stripe_API.remoteSite-meta.xml'));
    git('commit', '-qam', 'change');
    const outputDir = join(work, 'git-delta');
    const run = await sf.run(['federate', 'diff', '--from', 'git:HEAD~1', '--to', 'git:HEAD', '--output-dir', outputDir, '--copy-sources', '--json'], { cwd: repo });
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).to.equal(0);
    const result = run.json?.result as DiffResult;
    expect(result.changes.map((change) => `${change.kind} ${change.key}`).sort()).to.deep.equal(['changed CustomLabel:Support_Site_URL', 'removed RemoteSiteSetting:Stripe_API']);
    expect(result.delta).to.deep.equal({ added: [], modified: [{ type: 'CustomLabel', fullName: 'Support_Site_URL' }], deleted: [{ type: 'RemoteSiteSetting', fullName: 'Stripe_API' }], renamed: [] });
    const pruned = readFileSync(join(outputDir, 'force-app', 'main', 'default', 'labels', 'CustomLabels.labels-meta.xml'), 'utf8');
    expect(pruned).to.contain('help.brightleaf.example.com');
    expect(pruned.match(/<labels>/g)).to.have.length(1);
    expect(readFileSync(join(outputDir, 'destructiveChangesPost.xml'), 'utf8')).to.contain('<members>Stripe_API</members>');
  });

  it("turns on Node's compile cache for the modules it loads, unless NODE_DISABLE_COMPILE_CACHE is set", async () => {
    // sf itself does not turn the cache on: a cache in this run's temp folder comes from the command.
    const args = ['federate', 'diff', '--from', 'dir:examples/global', '--to', 'dir:examples/china', '--json'];
    const cached = mkdtempSync(join(work, 'tmp-'));
    const on = await sf.run(args, { env: { TMPDIR: cached } });
    expect(on.exitCode, on.stderr).to.equal(0);
    const cacheDir = join(cached, 'node-compile-cache');
    expect(existsSync(cacheDir), 'no node-compile-cache folder in TMPDIR').to.equal(true);
    expect(execFileSync('find', [cacheDir, '-type', 'f'], { encoding: 'utf8' }).trim().split('\n').length).to.be.greaterThan(100);
    const disabled = mkdtempSync(join(work, 'tmp-'));
    const off = await sf.run(args, { env: { TMPDIR: disabled, NODE_DISABLE_COMPILE_CACHE: '1' } });
    expect(off.exitCode, off.stderr).to.equal(0);
    expect(off.json?.result).to.deep.equal(on.json?.result);
    expect(existsSync(join(disabled, 'node-compile-cache'))).to.equal(false);
  });

  it('is listed by sf as a linked plugin command with help from messages/', async () => {
    const run = await sf.run(['federate', 'diff', '--help']);
    expect(run.exitCode).to.equal(0);
    expect(run.stdout).to.contain('--from');
    expect(run.stdout).to.contain('--copy-sources');
    expect(run.stdout).to.contain('dir:examples/global');
  });
});
