import type { MetadataType, RegistryAccess } from '@salesforce/source-deploy-retrieve';
import type { ComponentKey } from './types.js';

/** A decomposed child, as a snapshot addresses it. */
export type ChildIdentity = { readonly type: string; readonly fullName: string; readonly parent: ComponentKey };

/**
 * The children of a decomposed parent (a permission set under decomposePermissionSetBeta2, a workflow under
 * decomposeWorkflowBeta…) whose own file is missing while files of its children are still in its folder. SDR's
 * resolver needs the parent's file to tell what such a folder holds, and without it misreads it. A child file named
 * after the folder (`Ops/Ops.userPermission-meta.xml`) is taken for the parent's own file, so the permission set
 * would be deployed with a user permission for its metadata, and no label. A child of a type SDR addresses only
 * through its parent (`Ops/objectSettings/Account.objectSettings-meta.xml`) is refused ("Unexpected child metadata"),
 * so the parent looks deleted and a delta deletes it, with its children and its assignments. Read as the children
 * they are, under a parent that has no file, they let compare see the parent's file go while its children stay, as it
 * does for the fields of an object without its .object-meta.xml: nothing is deleted, and a warning says so. Only
 * facts of SDR's registry are used: each decomposed type's folder name, suffix and its children's suffixes; the
 * child's name is the file's, as SDR's getChildren names it when the parent is there.
 */
export class MissingParentFiles {
  /** Decomposed types with child files, by name: asked for every component of a snapshot, so looked up once. */
  private readonly byName = new Map<string, MetadataType>();
  /** The same, by the folder name SDR requires of them (`permissionsets`, `workflows`…). */
  private readonly byFolder = new Map<string, MetadataType>();

  public constructor(registry: RegistryAccess) {
    for (const type of Object.values(registry.getRegistry().types)) if (isDecomposedParent(type)) this.byName.set(type.name, type);
    for (const type of registry.getStrictFolderTypes()) if (isDecomposedParent(type)) this.byFolder.set(type.directoryName, type);
  }

  /**
   * A component SDR resolved as a decomposed parent whose XML has one of its children's suffixes (SDR takes any
   * `<folder name>.*-meta.xml` of the folder when the parent's own file is missing): the child that file is.
   */
  public childInPlaceOfParent(typeName: string, fullName: string, xml: string): ChildIdentity | undefined {
    const type = this.byName.get(typeName);
    const file = type ? metadataXmlName(xml) : undefined;
    if (!type || !file || isOwnSuffix(type, file.suffix)) return undefined;
    return childOf(type, fullName, file);
  }

  /**
   * A file SDR refused to resolve, when it lies in the folder of a decomposed parent (`permissionsets/Ops/…`) and has
   * the suffix of one of that type's children: that child, of the parent named by the folder. SDR refuses such a file
   * only when the parent's own file is missing (with it, the file is one of its children).
   */
  public childOfRefusedFile(path: string): ChildIdentity | undefined {
    const file = metadataXmlName(path);
    if (!file) return undefined;
    const segments = path.replace(/\\/g, '/').split('/');
    // The last folder of a decomposed type with a folder below it whose child the file can be, as SDR takes the last
    // folder of the type for a component's (trimPathToContent).
    for (let at = segments.length - 3; at >= 0; at--) {
      const type = this.byFolder.get(segments[at]);
      const child = type && !isOwnSuffix(type, file.suffix) ? childOf(type, segments[at + 1], file) : undefined;
      if (child) return child;
    }
    return undefined;
  }
}

/** Whether a type is a parent SDR decomposes into files of its children (CustomObject, a preset's PermissionSet…). */
function isDecomposedParent(type: MetadataType): boolean {
  return type.strategies?.adapter === 'decomposed' && Boolean(type.children);
}

function isOwnSuffix(type: MetadataType, suffix: string): boolean {
  return suffix === type.suffix || suffix === type.legacySuffix;
}

/** The child of `parentName` a file with one of `type`'s child suffixes is, named as SDR's getDecomposedChildren names it. */
function childOf(type: MetadataType, parentName: string, file: { name: string; suffix: string }): ChildIdentity | undefined {
  const childId = type.children?.suffixes[file.suffix];
  const child = childId === undefined ? undefined : type.children?.types[childId];
  if (!child) return undefined;
  // SDR's baseWithoutSuffixes: the file's name without `-meta.xml` and without any part that is the child's suffix.
  const name = file.name
    .split('.')
    .filter((part) => part !== child.suffix && part !== child.legacySuffix)
    .join('.');
  return { type: child.name, fullName: child.ignoreParentName ? name : `${parentName}.${name}`, parent: `${type.name}:${parentName}` };
}

/** `Name.suffix-meta.xml` read as SDR's parseMetadataXml reads it (the last dot before `-meta.xml` ends the name). */
function metadataXmlName(path: string): { name: string; suffix: string } | undefined {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const match = /(.+)\.(.+)-meta\.xml/.exec(base);
  return match ? { name: `${match[1]}.${match[2]}`, suffix: match[2] } : undefined;
}
