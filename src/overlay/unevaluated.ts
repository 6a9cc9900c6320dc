import type { Change, ElementChange } from '../compare/types.js';
import type { UnevaluatedPatch } from './apply.js';

/**
 * The patch (skipped for want of a secret) that sets an element of a component, if any. diff --region and capture
 * cannot tell whether the region holds what such a patch makes: its elements are neither drift nor captured, and their
 * region values, which hold the secret, are shown as the patch writes them.
 */
export function unevaluatedPatchOf(patches: readonly UnevaluatedPatch[]): (key: string, path: string) => UnevaluatedPatch | undefined {
  if (!patches.length) return () => undefined;
  return (key, path) => patches.find((patch) => patch.component === key && (patch.path === '' || path === patch.path || path.startsWith(`${patch.path}/`)));
}

/** The change with the region's value of each element such a patch sets shown as the patch writes it. */
export function withUnevaluatedShown(change: Change, patchAt: (key: string, path: string) => UnevaluatedPatch | undefined): Change {
  let masked = false;
  const elements = change.elements.map((element): ElementChange => {
    const patch = patchAt(change.key, element.path);
    if (!patch) return element;
    masked = true;
    return { ...element, ...(element.after !== undefined ? { after: patch.written } : {}) };
  });
  return masked ? { ...change, elements } : change;
}
