import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Messages } from '@salesforce/core/messages';
import type { MetadataType, RegistryAccess } from '@salesforce/source-deploy-retrieve';
import { XMLBuilder } from '../metadata/fast-xml-parser.js';
import { removedEntriesOnly } from './delta-plan.js';
import { metadataApiName, needsParent, parentOf, typeOf, type Entry } from './through-parent.js';
import { compareCodePoints, type NotDeletable } from './result.js';
import type { Change, Changeset } from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-federate', 'report');

/** Metadata type name (as the registry spells it) → members, both sorted as SDR writes them. */
export type ManifestMembers = Record<string, string[]>;

export type Manifests = {
  readonly apiVersion: string;
  /** Added, changed and renamed components: deployed to an org that looks like `--from`, it looks like `--to`. */
  readonly packageXml: string;
  /** Removals that must go before the deploy (see docs/output.md); absent when there are none. */
  readonly destructiveChangesPre?: string;
  /** Removals, deleted after the deploy; absent when there are none. */
  readonly destructiveChangesPost?: string;
  /** An empty package.xml for a delete-only deploy; present when there are removals. */
  readonly emptyPackageXml?: string;
  /** Removals the Metadata API cannot delete: reported, never listed as destructive. */
  readonly notDeletable: NotDeletable[];
  readonly members: {
    readonly package: ManifestMembers;
    readonly destructiveChangesPre: ManifestMembers;
    readonly destructiveChangesPost: ManifestMembers;
  };
};

export type ManifestOptions = {
  /** Written as `<version>`; never guessed. */
  readonly apiVersion: string;
  /** The project's registry (`registryFor(projectDir)`), so presets and customizations apply. */
  readonly registry: RegistryAccess;
};

/** Folder of the self-contained delete-only bundle: an empty package.xml beside copies of the destructive manifests. */
export const DELETE_ONLY_DIR = 'destructiveChanges';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';

/** Suffixes of object names that are not standard objects (custom, custom metadata, platform event, big, external…). */
const CUSTOM_OBJECT_SUFFIXES = ['__c', '__mdt', '__e', '__b', '__x', '__xo', '__kav', '__dlm'];
/** Profiles every org has; they cannot be deleted. File names as a retrieve writes them. */
const STANDARD_PROFILES = new Set([
  'Admin',
  'Standard',
  'ReadOnly',
  'ContractManager',
  'MarketingProfile',
  'SolutionManager',
  'StandardAul',
  'Minimum Access - Salesforce',
  'Chatter Free User',
  'Chatter External User',
  'Chatter Moderator User',
]);
/**
 * Files that group entries of their own types, per object or per org (sgd's in-file types): the Metadata API deletes
 * the entries, not the file ("Cannot delete a workflow object; Workflow Rules and Actions must be deleted
 * individually"). A removed file of these is deleted through its entries, which compare reports one by one.
 */
const DELETED_BY_ENTRIES = new Set(['AssignmentRules', 'AutoResponseRules', 'CustomLabels', 'EscalationRules', 'ManagedTopics', 'MatchingRules', 'SharingRules', 'Workflow']);

/** Whether a removed component of this type is deleted through its entries (DELETED_BY_ENTRIES), not by itself. */
export function isDeletedByEntries(type: string): boolean {
  return DELETED_BY_ENTRIES.has(type);
}
const TRANSLATION_TYPES = new Set(['Translations', 'CustomObjectTranslation', 'GlobalValueSetTranslation', 'StandardValueSetTranslation']);

/**
 * Why a removal of this type and name cannot be deleted through the Metadata API, or undefined when it can.
 * SDR's registry has no such fact, so this is the one table of them (docs/output.md, one test per entry).
 */
export function notDeletableReason(type: string, fullName: string): string | undefined {
  if (type === 'StandardValueSet') return messages.getMessage('notDeletable.StandardValueSet');
  if (type === 'Settings' || type.endsWith('Settings')) return messages.getMessage('notDeletable.Settings');
  if (TRANSLATION_TYPES.has(type)) return messages.getMessage('notDeletable.Translation');
  if (DELETED_BY_ENTRIES.has(type)) return messages.getMessage('notDeletable.ByEntries');
  if (type === 'CustomObject' && !CUSTOM_OBJECT_SUFFIXES.some((suffix) => fullName.endsWith(suffix))) {
    return messages.getMessage('notDeletable.StandardObject');
  }
  if (type === 'CustomField' && !fullName.slice(fullName.indexOf('.') + 1).endsWith('__c')) return messages.getMessage('notDeletable.StandardField');
  if (type === 'Profile' && STANDARD_PROFILES.has(fullName)) return messages.getMessage('notDeletable.StandardProfile');
  if (type === 'RecordType') return messages.getMessage('notDeletable.RecordType');
  return undefined;
}

/** `apiNamed`: already named as the Metadata API names it (metadataApiName), not through the project's registry. */
type Removal = Entry & { readonly parentKey?: string; readonly apiNamed?: boolean };

/**
 * The manifests that turn an org that looks like `changeset.from` into one that looks like `changeset.to`.
 * Pure: builds strings, writes nothing (see writeManifests).
 *
 * package.xml: added, changed and renamed components. An in-file child (CustomLabel, WorkflowAlert…) is listed as
 * itself, whether compare reports it as a change of its own or as elements of its changed parent
 * (`labels[fullName=Greeting]/value`); a child the registry says is not addressable without its parent
 * (CustomFieldTranslation, decomposed permission set parts) lists the parent. A Profile's element changes list the Profile.
 *
 * destructiveChangesPost.xml: removals. A child whose parent is removed too is left out (deleting the parent deletes it).
 *
 * destructiveChangesPre.xml: removals whose API name (case-insensitive) is re-used by an added component of another
 * type, e.g. an Aura component replaced by a Lightning web component of the same name: the old one must go first.
 *
 * notDeletable: removals the Metadata API cannot delete (notDeletableReason), and case-only renames.
 */
export function buildManifests(changeset: Changeset, options: ManifestOptions): Manifests {
  const { apiVersion } = options;
  const { deploy, added, removals, removedKeys, entriesOnly } = collect(changeset, options.registry);
  const { pre, post, notDeletable } = sortRemovals(removals, removedKeys, deploy, added, options.registry, entriesOnly);
  const members = { package: sortMembers(deploy), destructiveChangesPre: sortMembers(pre), destructiveChangesPost: sortMembers(post) };
  return {
    apiVersion,
    packageXml: packageXml(members.package, apiVersion),
    ...(pre.size ? { destructiveChangesPre: packageXml(members.destructiveChangesPre, apiVersion) } : {}),
    ...(post.size ? { destructiveChangesPost: packageXml(members.destructiveChangesPost, apiVersion) } : {}),
    ...(pre.size || post.size ? { emptyPackageXml: packageXml({}, apiVersion) } : {}),
    notDeletable,
    members,
  };
}

type MemberMap = Map<string, Set<string>>;

function addMember(map: MemberMap, entry: Entry): void {
  const members = map.get(entry.type) ?? new Set<string>();
  members.add(entry.fullName);
  map.set(entry.type, members);
}

/**
 * What to deploy (by manifest type name), which of it is new to the org (`added`: a component created, not a changed
 * or moved one), and what was removed (by component type), from the changes.
 */
function collect(
  changeset: Changeset,
  registry: RegistryAccess
): { deploy: MemberMap; added: MemberMap; removals: Removal[]; removedKeys: Set<string>; entriesOnly: NotDeletable[] } {
  const deploy: MemberMap = new Map();
  const added: MemberMap = new Map();
  const removals: Removal[] = [];
  const entriesOnly: NotDeletable[] = [];
  const addDeploy = (entry: Entry): void => {
    const named = manifestEntry(registry, entry);
    if (named) addMember(deploy, named);
  };
  const removedKeys = new Set(changeset.changes.filter((change) => change.kind === 'removed').map((change) => change.key));
  for (const change of changeset.changes) {
    const type = typeOf(registry, change.type, change.parent);
    const typeName = type?.name ?? change.type;
    if (needsParent(type)) {
      const apiNamed = change.kind === 'removed' ? metadataApiName(change) : undefined;
      if (apiNamed) {
        // A preset made it unaddressable here, but the Metadata API deletes it by its own name (a decomposed label).
        removals.push({ ...apiNamed, parentKey: change.parent, apiNamed: true });
        continue;
      }
      // Only deployable through its parent: any change to it is a change of the parent (unless the parent is gone).
      const parent = parentOf(registry, change);
      if (parent && !removedKeys.has(`${parent.type}:${parent.fullName}`)) addDeploy(parent);
      continue;
    }
    const children = type && change.kind === 'changed' ? inFileChildren(type, change) : undefined;
    const entries = children ? undefined : removedEntriesOnly(change, registry);
    if (entries) {
      // Nothing left to deploy, and a deploy would not remove them (see removedEntriesOnly).
      entriesOnly.push({ type: typeName, fullName: change.fullName, reason: messages.getMessage('notDeletable.RemovedEntries', [entries.join(', ')]) });
    } else if (children) {
      children.deploy.forEach(addDeploy);
      for (const child of children.remove) removals.push({ ...child, parentKey: change.key });
      if (children.parentTouched) addDeploy({ type: typeName, fullName: change.fullName });
    } else if (change.kind === 'removed') {
      removals.push({ type: typeName, fullName: change.fullName, parentKey: change.parent });
    } else {
      addDeploy({ type: typeName, fullName: change.fullName });
      const named = change.kind === 'added' ? manifestEntry(registry, { type: typeName, fullName: change.fullName }) : undefined;
      if (named) addMember(added, named);
      if (deploysWithParent(registry, type)) {
        const parent = parentOf(registry, change);
        if (parent) addDeploy(parent);
      }
    }
  }
  return { deploy, added, removals, removedKeys, entriesOnly };
}

/** Removals into pre, post or not deletable (see buildManifests). */
function sortRemovals(
  removals: readonly Removal[],
  removedKeys: ReadonlySet<string>,
  deploy: MemberMap,
  added: MemberMap,
  registry: RegistryAccess,
  entriesOnly: readonly NotDeletable[]
): { pre: MemberMap; post: MemberMap; notDeletable: NotDeletable[] } {
  const deployedNames = byLowerName(deploy);
  // Only a component the deploy creates can need the name first; one that is changed or moved already coexists with
  // the removed one in the org (a tab `Hello` re-pointed from FlexiPage `Hello` to `Hello_World`: deleting the page
  // first fails, as the tab still uses it).
  const addedNames = byLowerName(added);
  const pre: MemberMap = new Map();
  const post: MemberMap = new Map();
  const notDeletable: NotDeletable[] = [...entriesOnly];
  for (const removal of removals) {
    if (removal.parentKey && removedKeys.has(removal.parentKey) && parentIsDeleted(removal.parentKey)) continue;
    const named = removal.apiNamed ? removal : manifestEntry(registry, removal);
    if (!named) continue;
    const reason = notDeletableReason(removal.type, removal.fullName);
    const reused = deployedNames.get(named.fullName.toLowerCase()) ?? [];
    const sameType = reused.find((entry) => entry.type === named.type);
    const created = addedNames.get(named.fullName.toLowerCase()) ?? [];
    if (reason) {
      notDeletable.push({ type: removal.type, fullName: removal.fullName, reason });
    } else if (sameType) {
      const caseOnly = messages.getMessage('notDeletable.CaseOnlyRename', [removal.fullName, sameType.fullName]);
      notDeletable.push({ type: removal.type, fullName: removal.fullName, reason: caseOnly });
    } else {
      addMember(created.length ? pre : post, named);
    }
  }
  notDeletable.sort((a, b) => compareCodePoints(a.type, b.type) || compareCodePoints(a.fullName, b.fullName));
  return { pre, post, notDeletable };
}

/** Members by their lower-cased full name (API names are case-insensitive). */
function byLowerName(map: MemberMap): Map<string, Entry[]> {
  const names = new Map<string, Entry[]>();
  for (const [type, members] of map) {
    for (const fullName of members) names.set(fullName.toLowerCase(), [...(names.get(fullName.toLowerCase()) ?? []), { type, fullName }]);
  }
  return names;
}

/** The files writeManifests writes for these manifests, relative to the output folder, sorted. */
export function manifestFiles(manifests: Manifests): Record<string, string> {
  const files: Record<string, string> = { 'package.xml': manifests.packageXml };
  if (manifests.destructiveChangesPre) {
    files['destructiveChangesPre.xml'] = manifests.destructiveChangesPre;
    files[`${DELETE_ONLY_DIR}/destructiveChangesPre.xml`] = manifests.destructiveChangesPre;
  }
  if (manifests.destructiveChangesPost) {
    files['destructiveChangesPost.xml'] = manifests.destructiveChangesPost;
    files[`${DELETE_ONLY_DIR}/destructiveChangesPost.xml`] = manifests.destructiveChangesPost;
  }
  if (manifests.emptyPackageXml) files[`${DELETE_ONLY_DIR}/package.xml`] = manifests.emptyPackageXml;
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => compareCodePoints(a, b)));
}

/**
 * Writes the manifests into `outputDir` all at once: everything is written into a temporary folder beside it first,
 * then moved into place. Manifest files of an earlier run in `outputDir` are replaced (stale ones removed); other files
 * are left alone. On failure `outputDir` is left as it was. Returns the written paths, relative to `outputDir`.
 */
export async function writeManifests(outputDir: string, manifests: Manifests): Promise<string[]> {
  const target = resolve(outputDir);
  const files = manifestFiles(manifests);
  await mkdir(dirname(target), { recursive: true });
  const temp = await mkdtemp(join(dirname(target), `.${basename(target)}.manifests-`));
  try {
    const fresh = join(temp, 'new');
    await Promise.all(
      Object.entries(files).map(async ([path, content]) => {
        await mkdir(dirname(join(fresh, path)), { recursive: true });
        await writeFile(join(fresh, path), content, 'utf8');
      })
    );
    if (!existsSync(target)) {
      await rename(fresh, target);
    } else {
      await swapInto(target, fresh, join(temp, 'old'));
    }
    return Object.keys(files);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** Names writeManifests owns in an output folder. */
const OWNED_ENTRIES = ['package.xml', 'destructiveChangesPre.xml', 'destructiveChangesPost.xml', DELETE_ONLY_DIR];

/**
 * Moves the owned entries of `target` aside, the new ones in; puts the old ones back if any move fails.
 * One rename at a time, in order, so that a failure knows exactly what to undo.
 */
/* eslint-disable no-await-in-loop */
async function swapInto(target: string, fresh: string, old: string): Promise<void> {
  await mkdir(old);
  const movedAside: string[] = [];
  const movedIn: string[] = [];
  try {
    for (const name of OWNED_ENTRIES) {
      if (existsSync(join(target, name))) {
        await rename(join(target, name), join(old, name));
        movedAside.push(name);
      }
    }
    for (const name of OWNED_ENTRIES) {
      if (existsSync(join(fresh, name))) {
        await rename(join(fresh, name), join(target, name));
        movedIn.push(name);
      }
    }
  } catch (error) {
    for (const name of movedIn) await rm(join(target, name), { recursive: true, force: true });
    for (const name of movedAside) await rename(join(old, name), join(target, name));
    throw error;
  }
}
/* eslint-enable no-await-in-loop */

/** A manifest's XML, as SDR's ComponentSet.getPackageXml writes it: types and members in code-point order, escaped. */
export function packageXml(members: ManifestMembers, apiVersion: string): string {
  const builder = new XMLBuilder({ format: true, indentBy: '    ', ignoreAttributes: false, suppressEmptyNode: false });
  const types = Object.keys(members)
    .sort(compareCodePoints)
    .map((name) => ({ members: [...members[name]].sort(compareCodePoints), name }));
  return XML_DECLARATION + builder.build({ Package: { '@_xmlns': METADATA_NS, ...(types.length ? { types } : {}), version: apiVersion } });
}

/** A removed parent is deleted, and its children with it, unless the Metadata API cannot delete it. */
function parentIsDeleted(parentKey: string): boolean {
  const at = parentKey.indexOf(':');
  return notDeletableReason(parentKey.slice(0, at), parentKey.slice(at + 1)) === undefined;
}

function sortMembers(byType: Map<string, Set<string>>): ManifestMembers {
  const sorted: ManifestMembers = {};
  for (const type of [...byType.keys()].sort(compareCodePoints)) sorted[type] = [...byType.get(type)!].sort(compareCodePoints);
  return sorted;
}

/**
 * Whether a child deploys with its parent named beside it: a child of a parent decomposed at the top level (a
 * BotVersion of a Bot). In metadata format both are one file (`bots/X.bot`), which the Metadata API takes only when
 * the parent is in package.xml ("Not in package.xml" otherwise); SDR lists the parent too when it converts the pair.
 */
function deploysWithParent(registry: RegistryAccess, type: MetadataType | undefined): boolean {
  if (!type) return false;
  const parentType = registry.getParentType(type.name);
  return parentType?.strategies?.decomposition === 'topLevel';
}

/**
 * How a component lands in a manifest, as SDR's ComponentSet.getObject names it: a folder under its content type
 * (ReportFolder → Report), a child of a `startEmpty` parent (decomposed labels) by its own name; nothing for a type
 * that is not addressable.
 */
function manifestEntry(registry: RegistryAccess, entry: Entry): Entry | undefined {
  const type = typeOf(registry, entry.type);
  if (!type) return entry;
  if (type.isAddressable === false) return undefined;
  let fullName = entry.fullName;
  if (['DashboardFolder', 'ReportFolder', 'EmailTemplateFolder'].includes(type.name) && !fullName.endsWith('/')) {
    fullName = `${fullName}/`;
  } else if (registry.getParentType(type.name)?.strategies?.recomposition === 'startEmpty' && fullName.includes('.')) {
    fullName = fullName.split('.')[1];
  }
  const listedAs = type.folderContentType ? typeOf(registry, type.folderContentType)?.name ?? type.name : type.name;
  return { type: listedAs, fullName };
}

type ChildSplit = { deploy: Entry[]; remove: Entry[]; parentTouched: boolean };

/**
 * For a parent whose children live in its own file (CustomLabels, Workflow, SharingRules…), the children its element
 * changes address (`labels[fullName=Greeting]/value` → CustomLabel:Greeting). Undefined when the type has no in-file
 * children or no element addresses one.
 */
function inFileChildren(type: MetadataType, change: Change): ChildSplit | undefined {
  const childTypes = Object.values(type.children?.types ?? {});
  if (!childTypes.length || type.strategies?.transformer === 'decomposed' || !change.elements.length) return undefined;
  const split: ChildSplit = { deploy: [], remove: [], parentTouched: false };
  let found = false;
  for (const element of change.elements) {
    const match = /^([^[/]+)\[([^=\]]+)=([^\]]*)\](\/.*)?$/.exec(element.path);
    const childType = match
      ? childTypes.find((child) => child.xmlElementName === match[1] && (child.uniqueIdElement ?? 'fullName') === match[2])
      : undefined;
    if (!match || !childType || childType.isAddressable === false || childType.unaddressableWithoutParent) {
      split.parentTouched = true;
      continue;
    }
    found = true;
    const child = { type: childType.name, fullName: childType.ignoreParentName ? match[3] : `${change.fullName}.${match[3]}` };
    (element.kind === 'removed' && !match[4] ? split.remove : split.deploy).push(child);
  }
  return found ? split : undefined;
}
