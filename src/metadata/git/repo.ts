import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExitCode } from '../../exit-codes.js';
import { GIT_ENV } from './env.js';
import { gitMessages as messages } from './messages.js';

/** A repository as git sees it: its top folder and its git dir. */
export type GitRepo = {
  /** Absolute path of the work tree's top folder (or of the bare repository). */
  readonly top: string;
  /** Absolute path of the git dir (`.git`, or the repository itself when bare). */
  readonly gitDir: string;
};

type RunResult = { readonly exitCode: number; readonly stdout: string; readonly stderr: string };

/**
 * Runs git, never throws for a non-zero exit: callers turn the outcome into a message of their own. Plain execFile
 * rather than execa: this is on the start-up path of every git source, and loading execa's ~130 modules took longer
 * (0.13–0.18 s here) than the git commands a delta runs.
 */
export function git(cwd: string, args: readonly string[]): Promise<RunResult> {
  return new Promise((settle, fail) => {
    execFile('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 }, (error, stdout, stderr) => {
      // A number is git's exit code; anything else (ENOENT, a signal, output over maxBuffer) means git did not finish.
      const code = error ? (error as NodeJS.ErrnoException & { code?: unknown }).code : 0;
      if (typeof code === 'number') settle({ exitCode: code, stdout, stderr });
      else fail(messages.createError('error.GitFailed', [args.join(' '), cwd, error?.message ?? 'git could not be run'], [], ExitCode.External));
    });
  });
}

/** Like `git`, but a non-zero exit is an error naming the command. */
export async function gitOk(cwd: string, args: readonly string[]): Promise<string> {
  const result = await git(cwd, args);
  if (result.exitCode !== 0) {
    throw messages.createError('error.GitFailed', [args.join(' '), cwd, firstLine(result.stderr)], [], ExitCode.External);
  }
  return result.stdout;
}

const repos = new Map<string, Promise<GitRepo | undefined>>();

/** The repository that holds `dir`, or undefined when `dir` is not in one. */
export function findRepo(dir: string): Promise<GitRepo | undefined> {
  const key = resolve(dir);
  let found = repos.get(key);
  if (!found) {
    found = (async (): Promise<GitRepo | undefined> => {
      if (!existsSync(key)) return undefined;
      const result = await git(key, ['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-dir', '--is-bare-repository']);
      if (result.exitCode !== 0) return undefined;
      const [top, gitDir, bare] = result.stdout.split('\n');
      return { top: bare === 'true' ? gitDir : top, gitDir };
    })();
    repos.set(key, found);
  }
  return found;
}

/** The repository that holds `dir`; an error naming the source when there is none. */
export async function requireRepo(dir: string, sourceText: string): Promise<GitRepo> {
  const repo = await findRepo(dir);
  if (!repo) throw messages.createError('error.NotARepository', [resolve(dir), sourceText], [], ExitCode.BadInput);
  return repo;
}

export function isShallow(repo: GitRepo): Promise<boolean> {
  return Promise.resolve(existsSync(join(repo.gitDir, 'shallow')));
}

/** Resolves a ref to a commit id, or undefined when the ref names no commit. */
export async function tryResolveCommit(repo: GitRepo, ref: string): Promise<string | undefined> {
  if (ref.startsWith('-')) return undefined;
  const result = await git(repo.top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/**
 * Resolves a ref to a commit id. An unknown ref is a bad-input error; in a shallow clone it says how to fetch the
 * missing history, because `REF~N` beyond the shallow boundary and a base branch never fetched look the same.
 */
export async function resolveCommit(repo: GitRepo, ref: string): Promise<string> {
  const commit = await tryResolveCommit(repo, ref);
  if (commit) return commit;
  if (await isShallow(repo)) throw messages.createError('error.ShallowClone', [ref, repo.top], [], ExitCode.BadInput);
  throw messages.createError('error.UnknownRef', [ref, repo.top], [], ExitCode.BadInput);
}

/** The best common ancestor of two commits, as a pull request compares. */
export async function mergeBase(repo: GitRepo, a: string, b: string, labels: readonly [string, string]): Promise<string> {
  const result = await git(repo.top, ['merge-base', a, b]);
  if (result.exitCode === 0) return result.stdout.trim();
  if (result.exitCode === 1 && (await isShallow(repo))) {
    throw messages.createError('error.ShallowClone', [`merge base of ${labels[0]} and ${labels[1]}`, repo.top], [], ExitCode.BadInput);
  }
  if (result.exitCode === 1) throw messages.createError('error.NoMergeBase', [labels[0], labels[1], repo.top], [], ExitCode.BadInput);
  throw messages.createError('error.GitFailed', [`merge-base ${a} ${b}`, repo.top, firstLine(result.stderr)], [], ExitCode.External);
}

/** One file of a commit's tree. */
export type TreeEntry = {
  /** Path from the repository's top, `/` separators, as git stores it (no quoting). */
  readonly path: string;
  readonly blob: string;
  /** `100644`, `100755`, `120000` (a link: its blob holds the target) or `160000` (a submodule: the id is a commit's). */
  readonly mode: string;
};

/**
 * Every file below `paths` (repository-relative folders; all when empty) in a commit, with blob ids, straight from the
 * object store; a submodule is one entry, mode 160000, with the id of its commit.
 */
export async function listTree(repo: GitRepo, commit: string, paths: readonly string[] = []): Promise<TreeEntry[]> {
  // No --long (sizes make git open every blob) and no --format (git 2.39 quotes %(path) even with -z).
  const args = ['ls-tree', '-r', '-z', '--full-tree', commit];
  if (paths.length) args.push('--', ...paths.map((path) => (path.endsWith('/') ? path : `${path}/`)));
  const out = await gitOk(repo.top, args);
  const entries: TreeEntry[] = [];
  let start = 0;
  while (start < out.length) {
    let end = out.indexOf('\0', start);
    if (end < 0) end = out.length;
    const line = out.slice(start, end);
    start = end + 1;
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, blob] = line.slice(0, tab).split(' ');
    if (type !== 'blob' && type !== 'commit') continue;
    entries.push({ path: line.slice(tab + 1), blob, mode });
  }
  return entries;
}

/** Whether a path names a file or a folder at a commit (undefined: neither). */
export async function pathKind(repo: GitRepo, commit: string, path: string): Promise<'blob' | 'tree' | undefined> {
  if (path === '' || path === '.') return 'tree';
  const result = await git(repo.top, ['cat-file', '-t', `${commit}:${path}`]);
  if (result.exitCode !== 0) return undefined;
  const kind = result.stdout.trim();
  return kind === 'blob' || kind === 'tree' ? kind : undefined;
}

/** Refuses a work tree in the middle of a merge: its files may hold conflict markers. */
export async function assertNoMergeInProgress(repoDir: string): Promise<void> {
  const repo = await findRepo(repoDir);
  if (!repo) return;
  if (existsSync(join(repo.gitDir, 'MERGE_HEAD'))) {
    throw messages.createError('error.MergeInProgress', [repo.top], [], ExitCode.BadInput);
  }
}

export function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim())?.trim() ?? '';
}
