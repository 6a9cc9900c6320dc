import { posix } from 'node:path';
import { metadataMessages } from '../messages.js';
import { without } from '../pair-scope.js';
import type { ProgressListener, Snapshot } from '../types.js';
import { gitOk } from './repo.js';
import type { GitSide } from './read.js';

/*
 * A range that moves metadata out of every package directory of the `to` ref (objects/ moved to core/ while
 * sfdx-project.json still says force-app) makes those components look removed, and a delta would delete them from
 * the org (an object, with its data) though their files are still in the repository. That is a layout mistake, not an
 * order to delete, as a dropped package directory is not (pair-scope.ts): they are left out of `from`, with a warning
 * that says where the files went.
 */

/**
 * `from` without the components removed only because their XML moved outside `to`'s package directories: a file of
 * the same name, under a folder of the type's name (`…/objects/…/Product__c.object-meta.xml`), added in the range
 * outside them. A copy that was already there (an archive folder) is not a move: that component is still removed.
 */
export async function leaveOutMovedOutside(
  from: Snapshot,
  to: Snapshot,
  right: GitSide,
  added: Promise<Map<string, string[]>> | undefined,
  onProgress?: ProgressListener
): Promise<Snapshot> {
  if (!added) return from;
  const removed = [...from.components.values()].filter((component) => component.xml && !to.components.has(component.key));
  if (!removed.length) return from;
  const addedOutside = await added;
  if (!addedOutside.size) return from;
  const movedTo = new Map<string, string>();
  for (const component of removed) {
    const name = posix.basename(component.xml!.path);
    const folder = typeFolder(from, component.type);
    const target = addedOutside.get(name)?.find((path) => folder === undefined || path.split('/').includes(folder));
    if (target) movedTo.set(component.key, target);
  }
  if (!movedTo.size) return from;
  const folders = [...new Set([...movedTo.values()].map((path) => path.split('/')[0]))];
  return without(from, (component) => movedTo.has(component.key), (count, shown) =>
    onProgress?.({
      kind: 'warning',
      message: metadataMessages.getMessage('warning.MovedOutsideToPackageDirs', [count, from.source.spec, to.source.spec, right.packageDirs.join(', '), folders.join(', '), shown]),
    })
  );
}

/**
 * Files added between the two commits outside `right`'s package directories, by file name (paths relative to its
 * root); undefined when its package directory is its root (nothing is outside). Started before the changed paths are
 * resolved, so that git compares the trees meanwhile; read only if something looks removed.
 */
export function addedOutsidePackageDirs(left: GitSide, right: GitSide): Promise<Map<string, string[]>> | undefined {
  if (right.packageDirs.includes('.')) return undefined;
  const added = listAddedOutside(left, right);
  // Not awaited when nothing looks removed: a failure then is nobody's to report.
  added.catch(() => undefined);
  return added;
}

async function listAddedOutside(left: GitSide, right: GitSide): Promise<Map<string, string[]>> {
  // Only what the range added: git compares the two trees and skips every folder whose tree id is the same.
  const out = await gitOk(right.repo.top, ['diff-tree', '-r', '-z', '--no-renames', '--diff-filter=A', '--name-only', left.commit, right.commit]);
  const prefix = right.root ? `${right.root}/` : '';
  const byName = new Map<string, string[]>();
  for (const repoPath of out.split('\0')) {
    if (!repoPath || !repoPath.startsWith(prefix)) continue;
    const path = repoPath.slice(prefix.length);
    if (right.packageDirs.some((dir) => path.startsWith(`${dir}/`))) continue;
    const name = posix.basename(path);
    byName.set(name, [...(byName.get(name) ?? []), path]);
  }
  return byName;
}

/** The folder SDR keeps a type's files in (`objects`, `fields`, `classes`), when its registry says. */
function typeFolder(snapshot: Snapshot, typeName: string): string | undefined {
  try {
    return snapshot.registry?.getTypeByName(typeName).directoryName;
  } catch {
    return undefined;
  }
}
