import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { isolateHome, loginInProcess, type IsolatedHome } from '../emulator/login.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { FIXTURES, removeDir, tempProject } from '../org/support.js';
import { isInteractive, spinnerProgress, type SpinnerLike } from '../../src/report/progress.js';

const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);
/** tsx's loader, resolved from here: the child runs in a temp project that has no node_modules. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

describe('progress output of sf federate diff', function () {
  this.timeout(180_000);

  describe('in a CI log (stderr a pipe), against the org emulator', () => {
    let home: IsolatedHome;
    let org: Emulator;
    let project: string;

    before(async () => {
      home = await isolateHome();
      org = await startEmulator({ sourceDir: join(FIXTURES, 'global', 'force-app'), instance: 'global' });
      await loginInProcess(org, 'emu');
      project = tempProject();
    });
    after(async () => {
      await org?.stop();
      removeDir(project);
      await home?.restore();
    });

    it('prints a bounded number of lines: each phase, and each count by its start and end (not one line per listMetadata call)', async () => {
      // The command as a CI job runs it: a child process whose stderr is a pipe. bin/dev.js runs the sources (no build).
      const { stderr, stdout } = await run(
        process.execPath,
        ['--import', TSX, join(ROOT, 'bin', 'dev.js'), 'federate', 'diff', '--from', 'org:emu', '--to', `dir:${join(FIXTURES, 'global', 'force-app')}`, '--no-cache'],
        { cwd: project, env: { ...home.env, SF_DISABLE_LOG_FILE: 'true', CI: 'true' }, maxBuffer: 16 * 1024 * 1024 }
      );
      expect(stdout).to.include('Differences from org:emu to dir:');
      const lines = stderr.split('\n').filter((line) => line && !line.startsWith('Warning:'));
      const listed = lines.filter((line) => line.startsWith('Metadata types listed'));
      // The org describes every type of SDR's registry: hundreds of listMetadata calls, each a count event.
      expect(listed.length, stderr).to.be.within(2, 4);
      expect(listed[0]).to.match(/^Metadata types listed \d+\/(\d+)$/);
      const total = listed[0].split('/')[1];
      expect(listed.at(-1)).to.equal(`Metadata types listed ${total}/${total}`);
      expect(lines).to.include('Listing the metadata of org emu...');
      expect(lines.length, stderr).to.be.at.most(25);
    });
  });

  describe('on a terminal', () => {
    /** A spinner that records what it was asked. */
    function recorder(): SpinnerLike & { calls: string[] } {
      const calls: string[] = [];
      return {
        calls,
        start: (action, status) => calls.push(`start ${action}${status ? ` [${status}]` : ''}`),
        stop: (status) => calls.push(`stop${status ? ` [${status}]` : ''}`),
        set status(status: string | undefined) {
          calls.push(`status ${status ?? ''}`);
        },
        get status(): string | undefined {
          return undefined;
        },
      };
    }

    it('updates the spinner of a count in place, and leaves its last value when the next phase starts', () => {
      const spinner = recorder();
      const progress = spinnerProgress(spinner);
      progress.listener({ kind: 'phase', message: 'Listing the metadata of org emu' });
      for (const done of [3, 6, 9]) progress.listener({ kind: 'count', message: 'Metadata types listed', done, total: 9 });
      progress.listener({ kind: 'warning', message: 'a warning' });
      progress.listener({ kind: 'phase', message: 'Retrieving' });
      progress.stop();
      expect(spinner.calls).to.deep.equal([
        'start Listing the metadata of org emu',
        'stop',
        'start Metadata types listed [3/9]',
        'status 6/9',
        'status 9/9',
        'stop [9/9]',
        'start Retrieving',
        'stop',
      ]);
    });

    it('is a terminal by the rule @oclif/core chooses its spinner with', () => {
      expect(isInteractive({ isTTY: true }, {})).to.equal(true);
      expect(isInteractive({ isTTY: false }, {})).to.equal(false);
      expect(isInteractive({}, {})).to.equal(false);
      expect(isInteractive({ isTTY: true }, { CI: 'true' })).to.equal(false);
      expect(isInteractive({ isTTY: true }, { TERM: 'dumb' })).to.equal(false);
    });
  });
});
