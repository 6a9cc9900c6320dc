import type { MetadataType, RegistryAccess } from '@salesforce/source-deploy-retrieve';
import { metadataApiRegistryAccess } from '../metadata/registry.js';
import type { Change } from './types.js';

/*
 * Children the Metadata API knows only through their parent (a field translation, the objectSettings of a decomposed
 * permission set): a change to one is a deploy of its parent. The manifests name that parent, and the delta source
 * tree must then hold its file, so both ask here.
 */

export type Entry = { readonly type: string; readonly fullName: string };

/**
 * A type by name; for a child, also through its parent's type: a preset may declare a child type without listing it
 * among the registry's child types (decomposePermissionSetBeta2's ObjectSettings), and getTypeByName misses it then.
 */
export function typeOf(registry: RegistryAccess, name: string, parentKey?: string): MetadataType | undefined {
  try {
    return registry.getTypeByName(name);
  } catch {
    if (!parentKey) return undefined;
    const parent = typeOf(registry, parentKey.slice(0, parentKey.indexOf(':')));
    const lower = name.toLowerCase();
    return Object.values(parent?.children?.types ?? {}).find((child) => child.name.toLowerCase() === lower);
  }
}

/** Whether a type is deployed only through its parent. */
export function needsParent(type: MetadataType | undefined): boolean {
  return Boolean(type && (type.isAddressable === false || type.unaddressableWithoutParent === true));
}

/**
 * Whether the Metadata API deletes a decomposed child by its own name (a field, a workflow rule, a decomposed label),
 * rather than only with its parent (the objectSettings or user permissions of a decomposed permission set, a field
 * translation), as metadataApiName tells.
 */
export function isDeletableAlone(child: Entry): boolean {
  return metadataApiName(child) !== undefined;
}

/**
 * A child's name as the Metadata API addresses it, when SDR's own registry (no presets) says the API can; undefined
 * otherwise (field translations, the parts of a decomposed permission set: types the API does not know alone).
 */
export function metadataApiName(change: Entry): Entry | undefined {
  const api = metadataApiRegistryAccess();
  let type: MetadataType;
  try {
    type = api.getTypeByName(change.type);
  } catch {
    return undefined;
  }
  if (needsParent(type) || !api.getParentType(type.name)) return undefined;
  const dot = change.fullName.indexOf('.');
  return { type: type.name, fullName: type.ignoreParentName && dot > 0 ? change.fullName.slice(dot + 1) : change.fullName };
}

/** The parent a child belongs to: the one compare named, else the registry's parent type and the name's first part. */
export function parentOf(registry: RegistryAccess, change: Change): Entry | undefined {
  if (change.parent) {
    const at = change.parent.indexOf(':');
    return { type: change.parent.slice(0, at), fullName: change.parent.slice(at + 1) };
  }
  const parentType = registry.getParentType(change.type);
  if (!parentType) return undefined;
  const dot = change.fullName.indexOf('.');
  return { type: parentType.name, fullName: dot > 0 ? change.fullName.slice(0, dot) : change.fullName };
}

/**
 * The parent a removed child is deployed through: a child of a type only its parent carries, which the Metadata API
 * does not delete by name, of a parent that stays. (Deploying the parent without it is what a delta can do; the
 * manifests list the parent, and the delta tree holds the parent's file.)
 */
export function parentDeployedForRemoval(change: Change, registry: RegistryAccess, removedKeys: ReadonlySet<string>): Entry | undefined {
  if (change.kind !== 'removed' || !needsParent(typeOf(registry, change.type, change.parent)) || metadataApiName(change)) return undefined;
  const parent = parentOf(registry, change);
  return parent && !removedKeys.has(`${parent.type}:${parent.fullName}`) ? parent : undefined;
}
