import { metadataMessages as messages } from './messages.js';
import type { Component, ComponentKey, ProgressListener, Snapshot } from './types.js';

/**
 * The `from` side of a pair without the components the `to` side's `.forceignore` ignores. The `to` side is what
 * gets deployed, and `sf project deploy` leaves out what it ignores: such a component must be neither compared nor,
 * above all, deleted. Without this, starting to ignore a file made it a removal, and the delta's destructiveChanges
 * would delete it from the org. A component is left out when its XML is ignored (or, without one, all its files);
 * a content file ignored on its own (an LWC's `__tests__`) leaves the component in, changed at worst.
 */
export function leaveOutWhatToIgnores(from: Snapshot, to: Snapshot, onProgress?: ProgressListener): Snapshot {
  // The same .forceignore on both sides (the usual case) left the same out of both already.
  if (!to.forceIgnore || from.forceIgnore?.text === to.forceIgnore.text) return from;
  const ignores = to.forceIgnore.denies;
  const leftOut = new Set<ComponentKey>();
  for (const component of from.components.values()) if (ignored(component, ignores)) leftOut.add(component.key);
  if (leftOut.size === 0) return from;
  const keys = [...leftOut];
  const shown = keys.slice(0, 5).join(', ') + (keys.length > 5 ? ', …' : '');
  onProgress?.({ kind: 'warning', message: messages.getMessage('warning.IgnoredByTo', [keys.length, from.source.spec, to.source.spec, shown]) });
  const components = new Map([...from.components].filter(([key]) => !leftOut.has(key)));
  const children = new Map<ComponentKey, readonly ComponentKey[]>();
  for (const [parent, siblings] of from.children) {
    const kept = siblings.filter((key) => !leftOut.has(key));
    if (kept.length) children.set(parent, kept);
  }
  return { ...from, components, children };
}

function ignored(component: Component, ignores: (path: string) => boolean): boolean {
  if (component.xml) return ignores(component.xml.path);
  return component.content.length > 0 && component.content.every((file) => ignores(file.path));
}
