import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { generateOrg } from './org.js';
import { mutateOrg, type MutationKind, type MutationReport } from './mutate.js';

export type HistoryOptions = {
  readonly seed: number;
  /** Size of the generated org (target file count). */
  readonly files: number;
  /** Commits on top of the initial import, each applying mutateOrg once. */
  readonly commits: number;
  /** Share of files each commit changes (0.01 = 1 %). */
  readonly fractionPerCommit: number;
  readonly kinds?: readonly MutationKind[];
  /** Branch name (default `main`). */
  readonly branch?: string;
};

export type HistoryCommit = {
  readonly sha: string;
  /** 1-based position after the initial commit. */
  readonly index: number;
  readonly changes: MutationReport;
};

export type GeneratedHistory = {
  readonly root: string;
  /** Files in the initial commit. */
  readonly files: number;
  /** The initial import of the generated org. */
  readonly initial: string;
  /** The mutation commits, oldest first; the repository holds `commits.length + 1` commits in all. */
  readonly commits: readonly HistoryCommit[];
  readonly branch: string;
};

/** Fixed identity and clock: the same options give the same commit ids on any machine. */
const EPOCH = Date.UTC(2024, 0, 1, 9, 0, 0) / 1000;

/**
 * A git repository whose first commit is a generated org and whose next `commits` commits each apply mutateOrg with
 * seed `seed * 1000 + index`. Commit dates are fixed (one hour apart), so commit ids are deterministic.
 */
export async function generateHistory(repoDir: string, options: HistoryOptions): Promise<GeneratedHistory> {
  const root = resolve(repoDir);
  const branch = options.branch ?? 'main';
  const org = generateOrg({ seed: options.seed, files: options.files, outDir: root });
  mkdirSync(root, { recursive: true });
  const git = gitIn(root);
  await git(['init', '-q', '-b', branch]);
  await git(['config', 'core.autocrlf', 'false']);
  await git(['config', 'commit.gpgsign', 'false']);
  await git(['config', 'core.quotepath', 'false']);
  await git(['add', '-A']);
  const initial = await commit(git, 0, `Import synthetic enterprise org (seed ${options.seed}, ${org.files} files)`);
  const commits: HistoryCommit[] = [];
  for (let index = 1; index <= options.commits; index++) {
    // eslint-disable-next-line no-await-in-loop
    const changes = mutateOrg(root, { seed: options.seed * 1000 + index, fraction: options.fractionPerCommit, kinds: options.kinds });
    // eslint-disable-next-line no-await-in-loop
    await git(['add', '-A']);
    const summary = changes.mutations.slice(0, 3).map((mutation) => mutation.description).join('; ');
    // eslint-disable-next-line no-await-in-loop
    const sha = await commit(git, index, `Change ${index}: ${changes.mutations.length} edits, ${changes.added.length + changes.modified.length + changes.deleted.length} files\n\n${summary}`);
    commits.push({ sha, index, changes });
  }
  return { root, files: org.files, initial, commits, branch };
}

type Git = (args: string[], env?: Record<string, string>) => Promise<string>;

function gitIn(cwd: string): Git {
  return async (args, env) => {
    const result = await execa('git', args, {
      cwd,
      env: {
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: 'Bench Generator',
        GIT_AUTHOR_EMAIL: 'bench@sf-federate.invalid',
        GIT_COMMITTER_NAME: 'Bench Generator',
        GIT_COMMITTER_EMAIL: 'bench@sf-federate.invalid',
        ...env,
      },
      maxBuffer: 256 * 1024 * 1024,
    });
    return result.stdout.trim();
  };
}

async function commit(git: Git, index: number, message: string): Promise<string> {
  const date = `@${EPOCH + index * 3600} +0000`;
  await git(['commit', '-q', '--allow-empty', '--no-verify', '-m', message], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  return git(['rev-parse', 'HEAD']);
}
