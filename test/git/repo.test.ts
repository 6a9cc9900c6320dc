import { expect } from 'chai';
import { ExitCode } from '../../src/exit-codes.js';
import { git, gitOk } from '../../src/metadata/git/repo.js';
import { TempDirs } from './repo-helper.js';

describe('git runner', () => {
  const temps = new TempDirs();
  let dir: string;
  before(() => {
    dir = temps.make('sf-federate-git-run-');
  });
  after(() => temps.removeAll());

  it("gives git's exit code and both outputs as they are, final newline kept", async () => {
    const ok = await git(dir, ['--version']);
    expect(ok.exitCode).to.equal(0);
    expect(ok.stdout).to.match(/^git version \d+\.\d+.*\n$/);
    const failed = await git(dir, ['rev-parse', '--git-dir']);
    expect(failed.exitCode).to.equal(128);
    expect(failed.stderr).to.match(/not a git repository/);
  });

  it("runs git with GIT_ENV over the caller's environment, the rest of which it keeps", async () => {
    const saved = { pager: process.env.GIT_PAGER, editor: process.env.GIT_EDITOR };
    process.env.GIT_PAGER = 'less';
    process.env.GIT_EDITOR = 'sf-federate-test-editor';
    try {
      expect((await git(dir, ['var', 'GIT_PAGER'])).stdout.trim()).to.equal('cat');
      expect((await git(dir, ['var', 'GIT_EDITOR'])).stdout.trim()).to.equal('sf-federate-test-editor');
    } finally {
      for (const [name, value] of [['GIT_PAGER', saved.pager], ['GIT_EDITOR', saved.editor]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('turns a non-zero exit into an error naming the command (gitOk)', async () => {
    const error = await gitOk(dir, ['rev-parse', '--git-dir']).then(
      () => undefined,
      (caught: Error) => caught
    );
    expect(error?.name).to.equal('GitFailedError');
    expect(error?.message).to.include('rev-parse --git-dir').and.to.match(/not a git repository/);
  });

  it('says git could not be run when there is no git to run, with the external exit code', async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = dir;
    try {
      const error = await git(dir, ['--version']).then(
        () => undefined,
        (caught: Error & { exitCode?: number }) => caught
      );
      expect(error?.name).to.equal('GitFailedError');
      expect(error?.message).to.include('ENOENT');
      expect(error?.exitCode).to.equal(ExitCode.External);
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
