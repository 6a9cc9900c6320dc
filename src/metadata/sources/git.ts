import { ExitCode } from '../../exit-codes.js';
import { blobReader } from '../git/blobs.js';
import { gitMessages } from '../git/messages.js';
import { readGitSource, splitRefSpec } from '../git/read.js';
import { findRepo, mergeBase, resolveCommit, requireRepo, tryResolveCommit } from '../git/repo.js';
import type { SourceSpec } from './source.js';
import type { SourceKindHandler } from './index.js';

export { assertNoMergeInProgress } from '../git/repo.js';

/**
 * `git:REF[:PATH]`: a branch, tag, commit or `REF~N` of the repository (ReadOptions.repoDir, default the project),
 * read straight from git's object store: no checkout, no temporary work tree.
 */
export const gitSourceKind: SourceKindHandler = {
  recognises: async (value, options) => {
    const { ref } = splitRefSpec(value);
    if (!ref) return false;
    const repo = await findRepo(options.repoDir ?? options.projectDir);
    return repo ? (await tryResolveCommit(repo, ref)) !== undefined : false;
  },
  read: readGitSource,
};

/**
 * Rewrites `from` to the merge base of `from` and `to` (what a pull request from `to` into `from` would show).
 * Both must be git sources of the repository in `repoDir`; a `:PATH` on `from` is kept.
 */
export async function mergeBaseSpec(from: SourceSpec, to: SourceSpec, repoDir: string): Promise<SourceSpec> {
  const repo = await requireRepo(repoDir, `git:${from.value}`);
  const a = splitRefSpec(from.value);
  const b = splitRefSpec(to.value);
  if (!a.ref || !b.ref) throw gitMessages.createError('error.UnknownRef', [a.ref || b.ref, repo.top], [], ExitCode.BadInput);
  const [fromCommit, toCommit] = await Promise.all([resolveCommit(repo, a.ref), resolveCommit(repo, b.ref)]);
  const base = await mergeBase(repo, fromCommit, toCommit, [a.ref, b.ref]);
  return { kind: 'git', value: a.path !== undefined ? `${base}:${a.path}` : base, guessed: false, mergeBaseOf: { from: from.value, to: to.value } };
}

/** Ends the git processes this run started (they also end by themselves when Node exits). */
export async function closeGit(repoDir: string): Promise<void> {
  const repo = await findRepo(repoDir);
  if (repo) blobReader(repo).close();
}
