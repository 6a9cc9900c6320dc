import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { MINIMUM_NODE_VERSION } from '../../src/node-version.js';
import { findOldNode, type OldNode } from '../support/old-node.js';
import { PLUGIN_DIR, sfSandbox, type SfSandbox } from './sf.js';

// The real sf CLI, plugin linked, started with the machine's own Node 20 as `sf` is when installed with that Node's npm.
describe('e2e: sf on a Node.js older than sf-federate supports', function () {
  this.timeout(300_000);
  let sf: SfSandbox;
  let old: OldNode | undefined;

  before(async () => {
    old = findOldNode();
    // oclif reads the commands from the manifest (npm run build writes it). Without it, oclif imports every command
    // while loading the plugin, before any hook, and undici's TypeError comes first (README, "Limits").
    if (!existsSync(join(PLUGIN_DIR, 'oclif.manifest.json'))) execFileSync(join(PLUGIN_DIR, 'node_modules', '.bin', 'oclif'), ['manifest', '.'], { cwd: PLUGIN_DIR });
    sf = await sfSandbox();
  });
  after(() => sf?.dispose());

  const sfOn = async (node: OldNode, args: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> => {
    const result = await execa(node.path, [join(PLUGIN_DIR, 'node_modules', '@salesforce', 'cli', 'bin', 'run.js'), ...args], {
      cwd: PLUGIN_DIR,
      env: sf.env,
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      timeout: 120_000,
    });
    return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
  };

  it("stops sf federate with sf-federate's error and exit 2 (the init hook), and leaves sf --version alone", async () => {
    if (!old) throw new Error('No Node.js older than 22.19 on PATH or in /usr/bin, /usr/local/bin (the machines ship Node 20).');
    const diff = await sfOn(old, ['federate', 'diff', '--from', 'dir:examples/global', '--to', 'dir:examples/china']);
    expect(diff.exitCode, diff.stderr).to.equal(2);
    const text = diff.stderr.replace(/\s*›\s*/g, ' ');
    expect(text).to.include(`needs Node.js ${MINIMUM_NODE_VERSION} or later`);
    expect(text).to.include(`this is Node.js ${old.version}`);
    expect(text).to.not.include('TypeError');
    const json = await sfOn(old, ['federate', 'diff', '--from', 'dir:examples/global', '--to', 'dir:examples/china', '--json']);
    expect(json.exitCode).to.equal(2);
    expect(JSON.parse(json.stdout) as { name: string; exitCode: number }).to.include({ name: 'UnsupportedNodeError', exitCode: 2 });
    const version = await sfOn(old, ['--version']);
    expect(version.exitCode, version.stderr).to.equal(0);
    expect(version.stdout).to.include(`node-v${old.version}`);
  });
});
