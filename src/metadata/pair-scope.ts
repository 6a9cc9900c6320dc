import { metadataMessages as messages } from './messages.js';
import { componentPaths, samePackageDirs } from './snapshot.js';
import type { Component, ComponentKey, ProgressListener, Snapshot } from './types.js';

/*
 * The `to` side of a pair is what gets deployed. `sf project deploy` leaves out what its `.forceignore` ignores and
 * what lies outside its package directories, and fails on what it cannot read. Such a component is no longer managed
 * there, which is not the same as deleted: a delta that listed it in destructiveChanges would delete it from the org.
 * So the `from` side is narrowed to what the `to` side manages before the two are compared, with a warning that names
 * what was left out. Deleting such components stays possible, explicitly (a destructive manifest of one's own).
 */

/**
 * The `from` side without what the `to` side does not manage: what its `.forceignore` ignores, what lies outside its
 * package directories, what it has but cannot read.
 */
export function scopeToTarget(from: Snapshot, to: Snapshot, onProgress?: ProgressListener): Snapshot {
  return leaveOutUnreadableInTo(leaveOutDroppedPackageDirs(leaveOutWhatToIgnores(from, to, onProgress), to, onProgress), to, onProgress);
}

/**
 * The components that `to` lacks only because a file of theirs is there but no longer reads as metadata (an Apex class
 * whose -meta.xml was deleted): a broken component is reported (unclassified, with the reason), not deleted.
 */
function leaveOutUnreadableInTo(from: Snapshot, to: Snapshot, onProgress?: ProgressListener): Snapshot {
  if (to.unclassified.length === 0) return from;
  const unreadable = new Set(to.unclassified.map((file) => file.path));
  return without(from, (component) => !to.components.has(component.key) && componentPaths(component).some((path) => unreadable.has(path)), (count, shown) =>
    onProgress?.({ kind: 'warning', message: messages.getMessage('warning.UnreadableInTo', [count, from.source.spec, to.source.spec, shown]) })
  );
}

/**
 * The components the `to` side's `.forceignore` ignores. A component is left out when its XML is ignored (or, without
 * one, all its files); a content file ignored on its own (an LWC's `__tests__`) leaves the component in, changed at
 * worst. A component the `from` side ignored and the `to` side no longer does is added, as a deploy of `to` includes it.
 */
function leaveOutWhatToIgnores(from: Snapshot, to: Snapshot, onProgress?: ProgressListener): Snapshot {
  // The same .forceignore on both sides (the usual case) left the same out of both already.
  if (!to.forceIgnore || from.forceIgnore?.text === to.forceIgnore.text) return from;
  const ignores = to.forceIgnore.denies;
  return without(from, (component) => (component.xml ? ignores(component.xml.path) : component.content.length > 0 && component.content.every((file) => ignores(file.path))), (count, shown) =>
    onProgress?.({ kind: 'warning', message: messages.getMessage('warning.IgnoredByTo', [count, from.source.spec, to.source.spec, shown]) })
  );
}

/**
 * The components that would be removed only because they lie outside the `to` side's package directories (one dropped
 * from sfdx-project.json), when both sides are projects (git refs, folders). A component that `to` has elsewhere (a
 * package directory renamed or moved) stays, and is compared.
 */
function leaveOutDroppedPackageDirs(from: Snapshot, to: Snapshot, onProgress?: ProgressListener): Snapshot {
  const dirs = to.packageDirs;
  // Package directories that say what a project manages: not an org's (the layout of a retrieve), nor a bare folder's.
  const projects = [from, to].every((side) => side.source.kind !== 'org' && side.source.format === 'source');
  if (!projects || dirs.includes('.') || from.packageDirs.includes('.') || samePackageDirs(from.packageDirs, dirs)) return from;
  const inside = (path: string): boolean => dirs.some((dir) => path.startsWith(`${dir}/`));
  return without(from, (component) => !to.components.has(component.key) && !componentPaths(component).some(inside), (count, shown) =>
    onProgress?.({ kind: 'warning', message: messages.getMessage('warning.OutsideToPackageDirs', [count, from.source.spec, to.source.spec, dirs.join(', '), shown]) })
  );
}

/** The snapshot without the components `leaves` says yes to; `tell` hears how many and up to five of their keys. */
export function without(from: Snapshot, leaves: (component: Component) => boolean, tell: (count: number, shown: string) => void): Snapshot {
  const leftOut = new Set<ComponentKey>();
  for (const component of from.components.values()) if (leaves(component)) leftOut.add(component.key);
  if (leftOut.size === 0) return from;
  const keys = [...leftOut];
  tell(keys.length, keys.slice(0, 5).join(', ') + (keys.length > 5 ? ', …' : ''));
  const components = new Map([...from.components].filter(([key]) => !leftOut.has(key)));
  const children = new Map<ComponentKey, readonly ComponentKey[]>();
  for (const [parent, siblings] of from.children) {
    const kept = siblings.filter((key) => !leftOut.has(key));
    if (kept.length) children.set(parent, kept);
  }
  return { ...from, components, children };
}
