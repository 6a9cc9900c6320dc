import type { MetadataType, RegistryAccess } from '@salesforce/source-deploy-retrieve';

/** A child type of a metadata type, as the overlay needs it. */
export type ChildTypeInfo = {
  readonly name: string;
  /** Tag of the element in the parent's XML (`fields`, `labels`, `alerts`). */
  readonly tag: string;
  /** Element holding the child's name (`fullName`). */
  readonly idElement: string;
  /** Decomposed children have their own file (CustomField); in-file children live inside the parent's (CustomLabel). */
  readonly decomposed: boolean;
  /** The child's fullName is its own name only (CustomLabel), not `Parent.Name`. */
  readonly ignoreParentName: boolean;
};

function typeByName(registry: RegistryAccess, name: string): MetadataType | undefined {
  try {
    return registry.getTypeByName(name);
  } catch {
    return undefined;
  }
}

const cache = new WeakMap<RegistryAccess, Map<string, readonly ChildTypeInfo[]>>();

/** The child types of a type, with their tags, from SDR's registry. */
export function childTypesOf(registry: RegistryAccess, typeName: string): readonly ChildTypeInfo[] {
  let perRegistry = cache.get(registry);
  if (!perRegistry) cache.set(registry, (perRegistry = new Map<string, readonly ChildTypeInfo[]>()));
  const known = perRegistry.get(typeName);
  if (known) return known;
  const type = typeByName(registry, typeName);
  const decomposed = type?.strategies?.adapter === 'decomposed';
  const result: ChildTypeInfo[] = [];
  for (const child of Object.values(type?.children?.types ?? {})) {
    const dirTag = Object.entries(type?.children?.directories ?? {}).find(([, id]) => id === child.id)?.[0];
    const tag = decomposed ? dirTag ?? child.xmlElementName : child.xmlElementName ?? dirTag;
    if (!tag) continue;
    result.push({ name: child.name, tag, idElement: child.uniqueIdElement ?? 'fullName', decomposed, ignoreParentName: child.ignoreParentName === true });
  }
  perRegistry.set(typeName, result);
  return result;
}

/** The parent type of an in-file or decomposed child type (`CustomLabels` for `CustomLabel`), if any. */
export function parentTypeOf(registry: RegistryAccess, childTypeName: string): { parent: string; child: ChildTypeInfo } | undefined {
  const child = typeByName(registry, childTypeName);
  if (!child) return undefined;
  let parent: MetadataType | undefined;
  try {
    parent = registry.getParentType(child.id);
  } catch {
    parent = undefined;
  }
  if (!parent) return undefined;
  const info = childTypesOf(registry, parent.name).find((entry) => entry.name === child.name);
  return info ? { parent: parent.name, child: info } : undefined;
}

/**
 * Whether SDR merges the files of one component of this type found in several package directories when it deploys
 * them (CustomLabels: its registry entry recomposes `startEmpty`), as the snapshot builder merges them.
 */
export function mergedOnDeploy(registry: RegistryAccess, typeName: string): boolean {
  return typeByName(registry, typeName)?.strategies?.recomposition === 'startEmpty';
}
