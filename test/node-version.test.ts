import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { isNodeVersionSupported, MINIMUM_NODE_VERSION } from '../src/node-version.js';
import { findOldNode, type OldNode } from './support/old-node.js';

const ROOT = resolve(import.meta.dirname, '..');

/** The old Node, or (only on a machine that has none) this Node told it is 20.0.0 by a preload: bin/run.js reads no variable. */
function olderNode(): OldNode & { readonly preload: string[] } {
  const found = findOldNode();
  if (found) return { ...found, preload: [] };
  const fake = "Object.defineProperty(process.versions, 'node', { value: '20.0.0' })";
  return { path: process.execPath, version: '20.0.0', preload: ['--import', `data:text/javascript,${encodeURIComponent(fake)}`] };
}

describe('the Node.js floor', function () {
  this.timeout(60_000);
  let old: ReturnType<typeof olderNode>;
  const run = (args: readonly string[]): SpawnSyncReturns<string> =>
    spawnSync(old.path, [...old.preload, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: { ...process.env, SF_DISABLE_LOG_FILE: 'true' } });

  before(() => {
    old = olderNode();
    // bin/run.js runs lib/: build it when it is missing (npm test builds first).
    if (!existsSync(join(ROOT, 'lib', 'node-version-guard.js')) || !existsSync(join(ROOT, 'lib', 'hooks', 'init', 'node-version.js'))) {
      spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', ROOT], { cwd: ROOT });
    }
  });

  it('compares versions as numbers: 22.19.0 and later run, 22.18, 22.9 and 20 do not', () => {
    for (const version of ['22.19.0', 'v22.19.0', '22.19.1', '22.23.3', '23.0.0', '24.1.0']) expect(isNodeVersionSupported(version), version).to.equal(true);
    for (const version of ['22.18.9', '22.9.0', '22.0.0', '20.20.2', 'v20.19.0', '18.20.4']) expect(isNodeVersionSupported(version), version).to.equal(false);
  });

  it('is the floor package.json declares in engines.node', () => {
    const pjson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pjson.engines.node).to.equal(`>=${MINIMUM_NODE_VERSION}`);
  });

  it('bin/run.js on an older Node: one line naming both versions and how to get Node 22, exit 2, before anything loads', () => {
    const result = run(['bin/run.js', 'federate', 'diff', '--from', 'dir:examples/global', '--to', 'dir:examples/china']);
    expect(result.stderr, result.stderr).to.not.match(/TypeError|undici\/lib/);
    expect(result.status, result.stderr).to.equal(2);
    expect(result.stdout).to.equal('');
    const lines = result.stderr.split('\n').filter((line) => line.trim());
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include(`Node.js ${MINIMUM_NODE_VERSION} or later`);
    expect(lines[0]).to.include(`this is Node.js ${old.version}`);
    expect(lines[0]).to.include('npx sf-federate');
    expect(lines[0]).to.include('install Node.js 22');
  });

  it('bin/run.js on an older Node with --json: the error document on stdout, exit 2', () => {
    const result = run(['bin/run.js', 'federate', 'check', '--region', 'china', '--json']);
    expect(result.status, result.stderr).to.equal(2);
    const json = JSON.parse(result.stdout) as { name: string; message: string; exitCode: number; status: number; actions: string[] };
    expect(json).to.include({ name: 'UnsupportedNodeError', exitCode: 2, status: 2 });
    expect(json.message).to.include(`this is Node.js ${old.version}`);
    expect(json.actions.join('\n')).to.include('actions/setup-node');
  });

  it("the plugin's init hook on an older Node stops a federate command (exit 2) and leaves other sf commands alone", () => {
    // What the sf CLI does with it: oclif runs the init hooks, a hook error with an exit code is rethrown and handled.
    const script = `
      const { Errors } = await import('@oclif/core');
      const { default: hook } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'lib', 'hooks', 'init', 'node-version.js')).href)});
      const context = { error: (message, options) => Errors.error(message, options), exit: (code) => Errors.exit(code) };
      try {
        await hook.call(context, { id: process.argv[1], argv: process.argv.slice(2), config: {} });
        process.stdout.write('let through');
      } catch (error) {
        await Errors.handle(error);
      }`;
    const hook = (id: string, ...argv: string[]): SpawnSyncReturns<string> => run(['--input-type=module', '-e', script, id, ...argv]);
    const stopped = hook('federate:diff');
    expect(stopped.status, stopped.stderr).to.equal(2);
    expect(stopped.stderr.replace(/\s*›\s*/g, ' ')).to.include(`this is Node.js ${old.version}`);
    expect(hook('diff:federate').status).to.equal(2); // flexible taxonomy: the topic in any place
    const json = hook('federate:diff', '--json');
    expect(json.status).to.equal(2);
    expect((JSON.parse(json.stdout) as { name: string }).name).to.equal('UnsupportedNodeError');
    for (const id of ['org:list', 'plugins:uninstall']) {
      const other = hook(id);
      expect(other.status, other.stderr).to.equal(0);
      expect(other.stdout).to.equal('let through');
    }
  });
});
