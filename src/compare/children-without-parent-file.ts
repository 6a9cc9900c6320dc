import { posix } from 'node:path';
import type { RegistryAccess } from '@salesforce/source-deploy-retrieve';
import { metadataMessages as messages } from '../metadata/messages.js';
import type { Component, ComponentKey, Snapshot } from '../metadata/types.js';
import type { Change } from './types.js';

/** A parent `to` has no file of, with the deployed children of it that cannot be deployed without that file. */
export type ParentWithoutFile = {
  readonly parent: ComponentKey;
  /** Where its file would be (`…/permissionsets/Ops/Ops.permissionset-meta.xml`), when the registry says. */
  readonly expectedFile?: string;
  readonly children: readonly Component[];
};

/**
 * Added, changed or renamed children whose parent has no file in `to` (a decomposed permission set's
 * `objectSettings/Account.objectSettings-meta.xml` without `Ops.permissionset-meta.xml`; missing-parent-file.ts reads
 * them), of a child type SDR resolves only through its parent's file: not addressable, or unaddressable without its
 * parent (as SDR's decomposed source adapter decides, from the registry). SDR refuses such a child alone, or takes it
 * for the parent's own file, so the delta (package.xml names the parent, --copy-sources has only the child's file)
 * cannot be deployed as it is. A child SDR resolves alone (a field of an object kept as fields only) is not one.
 */
export function parentsWithoutFile(changes: readonly Change[], to: Snapshot, registry: RegistryAccess): ParentWithoutFile[] {
  const byParent = new Map<ComponentKey, Component[]>();
  for (const change of changes) {
    if (change.kind === 'removed') continue;
    const component = to.components.get(change.key);
    if (!component?.parent || !component.xml || to.components.has(component.parent) || !needsParentFile(component.parent, component.type, registry)) continue;
    byParent.set(component.parent, [...(byParent.get(component.parent) ?? []), component]);
  }
  return [...byParent].map(([parent, children]) => {
    const expectedFile = expectedParentFile(parent, children[0].xml!.path, registry);
    return { parent, children, ...(expectedFile ? { expectedFile } : {}) };
  });
}

/** The warning for each parent: the delta cannot be deployed as it is until the parent's file is added. */
export function parentWithoutFileWarnings(parents: readonly ParentWithoutFile[], to: Snapshot): string[] {
  return parents.map((each) => messages.getMessage('warning.ChildWithoutParentFile', [describe(each), to.source.spec, each.expectedFile ?? each.parent]));
}

/** `PermissionSet Ops (ObjectSettings Ops.Account)`: the parent and its children concerned. */
export function describe(each: ParentWithoutFile): string {
  const colon = each.parent.indexOf(':');
  const children = each.children.map((child) => `${child.type} ${child.fullName}`).join(', ');
  return `${each.parent.slice(0, colon)} ${each.parent.slice(colon + 1)} (${children})`;
}

/** Whether SDR resolves a child of this type only through its parent's file (child types are known through their parent's). */
function needsParentFile(parent: ComponentKey, typeName: string, registry: RegistryAccess): boolean {
  let children;
  try {
    children = registry.getTypeByName(parent.slice(0, parent.indexOf(':'))).children;
  } catch {
    return false;
  }
  const type = Object.values(children?.types ?? {}).find((each) => each.name === typeName);
  return type !== undefined && (type.isAddressable === false || type.unaddressableWithoutParent === true);
}

/** The parent's file beside its child's: `<type folder>/<parent name>/<parent name>.<suffix>-meta.xml`, as SDR lays it out. */
function expectedParentFile(parent: ComponentKey, childPath: string, registry: RegistryAccess): string | undefined {
  const colon = parent.indexOf(':');
  const name = parent.slice(colon + 1);
  let type;
  try {
    type = registry.getTypeByName(parent.slice(0, colon));
  } catch {
    return undefined;
  }
  if (!type.suffix) return undefined;
  const segments = childPath.split('/');
  for (let at = segments.length - 2; at >= 0; at--) {
    if (segments[at] === type.directoryName && segments[at + 1] === name) return posix.join(...segments.slice(0, at + 2), `${name}.${type.suffix}-meta.xml`);
  }
  return undefined;
}
