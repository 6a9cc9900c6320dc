import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import FederateCheck from '../../src/commands/federate/check.js';
import type { CheckResult } from '../../src/checks/result.js';
import { FEDERATE, makeProject, writeFederate } from './project.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'check-result.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

type Run = { result?: CheckResult; error?: Error & { exitCode?: number }; stdout: string; exitCode: number };

/** Runs the oclif command class in this process, from `cwd`, capturing stdout and the exit code it sets. */
async function runCommand(cwd: string, args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const previous = { cwd: process.cwd(), exitCode: process.exitCode, write: process.stdout.write.bind(process.stdout) };
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  let stdout = '';
  process.chdir(cwd);
  process.exitCode = undefined;
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  process.stdout.write = ((chunk: string | Uint8Array): boolean => {
    stdout += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    const result = await FederateCheck.run(args, repoRoot);
    return { result, stdout, exitCode: Number(process.exitCode ?? 0) };
  } catch (error) {
    return { error: error as Error & { exitCode?: number }, stdout, exitCode: (error as { exitCode?: number }).exitCode ?? 1 };
  } finally {
    process.stdout.write = previous.write;
    process.chdir(previous.cwd);
    process.exitCode = previous.exitCode;
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

describe('sf federate check (the command, in-process)', () => {
  let dir: string;
  before(() => {
    dir = makeProject(FEDERATE(''));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 1 with error findings, prints the report grouped by severity with fixes, and annotations in GitHub Actions', async () => {
    writeFederate(dir, FEDERATE(''));
    const run = await runCommand(dir, ['--region', 'china'], { GITHUB_ACTIONS: 'true' });
    expect(run.error, run.error?.stack).to.equal(undefined);
    expect(run.exitCode).to.equal(1);
    expect(run.stdout).to.match(/Errors \(1\)[\s\S]*CN-HOST-01[\s\S]*Warnings \(1\)[\s\S]*CN-CBDT-01/);
    expect(run.stdout).to.contain('Paste into overlays/china/overlay.yml:');
    expect(run.stdout).to.contain('::error file=force-app/main/default/classes/Links.cls,line=2,col=48,title=CN-HOST-01::');
    expect(run.stdout).to.contain('::warning file=force-app/main/default/remoteSiteSettings/Stripe_API.remoteSite-meta.xml,line=5,col=10,title=CN-CBDT-01::');
  });

  it('returns a --json result valid against schemas/check-result.schema.json, and exits 0 when only warnings remain', async () => {
    writeFederate(dir, FEDERATE('      rules:\n        CN-HOST-01: warn\n'));
    const run = await runCommand(dir, ['--region', 'china', '--json'], { GITHUB_ACTIONS: undefined });
    expect(run.exitCode).to.equal(0);
    expect(validate(run.result), JSON.stringify(validate.errors)).to.equal(true);
    expect(run.result!.summary).to.include({ error: 0, warn: 2 });
    const printed = JSON.parse(run.stdout) as { status: number; result: CheckResult };
    expect(printed.result.findings).to.have.length(2);
  });

  it('writes SARIF to --output-file', async () => {
    writeFederate(dir, FEDERATE(''));
    const file = join(dir, 'china.sarif');
    const run = await runCommand(dir, ['--region', 'china', '--format', 'sarif', '--output-file', file, '--no-annotations']);
    expect(run.exitCode).to.equal(1);
    const log = JSON.parse(readFileSync(file, 'utf8')) as { version: string; runs: Array<{ results: Array<{ ruleId: string }> }> };
    expect(log.version).to.equal('2.1.0');
    expect(log.runs[0].results.map((result) => result.ruleId)).to.deep.equal(['CN-HOST-01', 'CN-CBDT-01']);
  });

  it('names files from the top of the repository in SARIF and annotations when the project is in a subfolder of it', async () => {
    // As GitHub resolves them: a project kept in `Salesforce Org/` of the repository (redwoods-insurance does).
    const project = makeProject(FEDERATE(''));
    const repo = join(dirname(project), `${project.split(/[\\/]/).pop()!}-repo`);
    mkdirSync(repo);
    execFileSync('git', ['init', '-q'], { cwd: repo });
    renameSync(project, join(repo, 'Salesforce Org'));
    try {
      const file = join(repo, 'china.sarif');
      const run = await runCommand(join(repo, 'Salesforce Org'), ['--region', 'china', '--format', 'sarif', '--output-file', file], { GITHUB_ACTIONS: 'true' });
      expect(run.exitCode, run.error?.stack).to.equal(1);
      const log = JSON.parse(readFileSync(file, 'utf8')) as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> };
      expect(log.runs[0].results.map((result) => result.locations[0].physicalLocation.artifactLocation.uri)).to.deep.equal([
        'Salesforce%20Org/force-app/main/default/classes/Links.cls',
        'Salesforce%20Org/force-app/main/default/remoteSiteSettings/Stripe_API.remoteSite-meta.xml',
      ]);
      expect(run.stdout).to.contain('::error file=Salesforce Org/force-app/main/default/classes/Links.cls,line=2,col=48,title=CN-HOST-01::');
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('exits 2 naming an unknown rule id in federate.yml', async () => {
    writeFederate(dir, FEDERATE('      rules:\n        CN-HOST-42: error\n'));
    const run = await runCommand(dir, ['--region', 'china', '--json']);
    expect(run.exitCode).to.equal(2);
    expect(run.error?.message).to.contain('CN-HOST-42');
  });

  it('reports an unparseable metadata file as a finding, not a crash', async () => {
    writeFederate(dir, FEDERATE(''));
    const broken = join(dir, 'force-app/main/default/remoteSiteSettings/Broken.remoteSite-meta.xml');
    writeFileSync(broken, '<?xml version="1.0"?>\n<RemoteSiteSetting>\n  <url>https://x.example.cn\n</RemoteSiteSetting>\n');
    try {
      const run = await runCommand(dir, ['--region', 'china', '--json']);
      expect(run.error).to.equal(undefined);
      const xml = run.result!.findings.find((finding) => finding.rule === 'CN-XML-01');
      expect(xml).to.include({ path: 'force-app/main/default/remoteSiteSettings/Broken.remoteSite-meta.xml', line: 4, column: 1 });
    } finally {
      rmSync(broken);
    }
  });

  it('reports a malformed file an overlay patch touches as CN-XML-01, with the other findings, instead of stopping at the overlay', async () => {
    writeFederate(dir, FEDERATE(''));
    const broken = join(dir, 'force-app/main/default/remoteSiteSettings/Stripe_API.remoteSite-meta.xml');
    const before = readFileSync(broken, 'utf8');
    const overlay = join(dir, 'overlays/china/overlay.yml');
    writeFileSync(broken, before.replace('</url>', ''));
    writeFileSync(overlay, 'patches:\n  - component: RemoteSiteSetting:Stripe_API\n    path: isActive\n    set: "false"\n');
    try {
      const run = await runCommand(dir, ['--region', 'china', '--json']);
      expect(run.error, run.error?.message).to.equal(undefined);
      expect(run.exitCode).to.equal(1);
      const rules = run.result!.findings.map((finding) => finding.rule);
      expect(rules).to.include('CN-XML-01').and.include('CN-HOST-01');
      expect(run.result!.findings.find((finding) => finding.rule === 'CN-XML-01')).to.include({ path: 'force-app/main/default/remoteSiteSettings/Stripe_API.remoteSite-meta.xml' });
      expect(run.result!.warnings.join('\n')).to.match(/overlay was not applied to 1 component\(s\).*RemoteSiteSetting:Stripe_API/);
    } finally {
      writeFileSync(broken, before);
      writeFileSync(overlay, '');
    }
  });
});
