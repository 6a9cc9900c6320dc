import type { MetadataType, RegistryAccess } from '@salesforce/source-deploy-retrieve';
import { compareStrings, type CanonicalElement } from './xml.js';

/**
 * Which repeated elements of a metadata file are identified by a key, and by which one.
 *
 * A keyed element is compared by key (`fieldPermissions[field=Account.Region__c]`), not by position. Unless `ordered`,
 * its order is not significant (the Metadata API does not care), so a reordering is not a change. Elements that are
 * neither here nor in SDR's registry are compared by position: their order counts.
 *
 * Facts come from SDR's registry first (a type's child types: `xmlElementName` or child `directories` tag, keyed by
 * `uniqueIdElement`, default `fullName`, exactly as SDR's own transformers read them). `HAND_TABLE` below holds only
 * what SDR does not know; each entry has a test (test/metadata/elements.test.ts).
 */
export type ElementKey = {
  /** Tag names from the root's children down, `/`-separated: `fieldPermissions`, `valueSet/valueSetDefinition/value`. */
  readonly element: string;
  /** Child elements whose text identifies one entry; an absent one counts as empty. */
  readonly key: readonly string[];
  /** True when display order matters (picklist values): a reordering is reported as a change of the list. */
  readonly ordered: boolean;
  /** The SDR child type an element of this tag is, for in-file children (`CustomLabel` for CustomLabels' `labels`). */
  readonly childType?: string;
  /** Whether the child type's fullName is its own name only (CustomLabel), not `Parent.Name` (WorkflowAlert). */
  readonly ignoreParentName?: boolean;
  readonly origin: 'registry' | 'table';
};

/** Element path (`fields/valueSet/valueSetDefinition/value`) → key. */
export type ElementKeyTable = ReadonlyMap<string, ElementKey>;

type HandEntry = readonly [element: string, key: string | readonly string[], ordered?: 'ordered'];

const PERMISSION_SET_FAMILY: readonly HandEntry[] = [
  ['applicationVisibilities', 'application'],
  ['classAccesses', 'apexClass'],
  ['customMetadataTypeAccesses', 'name'],
  ['customPermissions', 'name'],
  ['customSettingAccesses', 'name'],
  ['emailRoutingAddressAccesses', 'emailRoutingAddress'],
  ['externalCredentialPrincipalAccesses', 'externalCredentialPrincipal'],
  ['externalDataSourceAccesses', 'externalDataSource'],
  ['fieldPermissions', 'field'],
  ['flowAccesses', 'flow'],
  ['objectPermissions', 'object'],
  ['pageAccesses', 'apexPage'],
  ['recordTypeVisibilities', 'recordType'],
  ['tabSettings', 'tab'],
  ['userPermissions', 'name'],
];

const PERMISSION_SET_ONLY = new Set(['tabSettings', 'emailRoutingAddressAccesses', 'externalCredentialPrincipalAccesses']);

const PICKLIST_FIELD: readonly HandEntry[] = [
  ['valueSet/valueSetDefinition/value', 'fullName', 'ordered'],
  ['valueSet/valueSettings', 'valueName'],
];

/**
 * A Flow's top-level elements, each named. The Metadata API returns them sorted by name, and their order means
 * nothing (connectors say what runs next); nested lists (a decision's rules, a screen's fields) keep their order.
 */
const FLOW_ELEMENTS = [
  'actionCalls', 'apexPluginCalls', 'assignments', 'choices', 'collectionProcessors', 'constants', 'customErrors', 'customProperties',
  'decisions', 'dynamicChoiceSets', 'formulas', 'loops', 'orchestratedStages', 'processMetadataValues', 'recordCreates', 'recordDeletes',
  'recordLookups', 'recordRollbacks', 'recordUpdates', 'screens', 'stages', 'steps', 'subflows', 'textTemplates', 'transforms', 'variables', 'waits',
];

/**
 * What SDR's registry does not know: the keys of Profile/PermissionSet entries, of translations, of picklist values,
 * and of other named lists whose order means nothing. Type name → entries. Keep it small; a test covers every entry.
 */
export const HAND_TABLE: Readonly<Record<string, readonly HandEntry[]>> = {
  Profile: [
    // Profiles have tabVisibilities instead of tabSettings, and no email routing or credential principal accesses.
    ...PERMISSION_SET_FAMILY.filter(([element]) => !PERMISSION_SET_ONLY.has(element)),
    ['categoryGroupVisibilities', 'dataCategoryGroup'],
    ['layoutAssignments', ['layout', 'recordType']],
    ['loginIpRanges', ['startAddress', 'endAddress']],
    ['tabVisibilities', 'tab'],
  ],
  PermissionSet: PERMISSION_SET_FAMILY,
  MutingPermissionSet: PERMISSION_SET_FAMILY,
  Translations: [
    ['bots', 'fullName'],
    ['customApplications', 'name'],
    ['customDataTypeTranslations', 'name'],
    ['customLabels', 'name'],
    ['customPageWebLinks', 'name'],
    ['customTabs', 'name'],
    ['flowDefinitions', 'fullName'],
    ['pipelineInspMetricConfigs', 'name'],
    ['prompts', 'name'],
    ['quickActions', 'name'],
    ['reportTypes', 'name'],
    ['reportTypes/sections', 'name'],
    ['scontrols', 'name'],
  ],
  CustomObjectTranslation: [
    ['caseValues', ['caseType', 'plural', 'possessive']],
    ['fieldSets', 'name'],
    ['layouts', 'layout'],
    ['layouts/sections', 'section'],
    ['quickActions', 'name'],
    ['recordTypes', 'name'],
    ['sharingReasons', 'name'],
    ['standardFields', 'name'],
    ['validationRules', 'name'],
    ['webLinks', 'name'],
    ['workflowTasks', 'name'],
  ],
  CustomFieldTranslation: [
    ['caseValues', ['caseType', 'plural', 'possessive']],
    ['picklistValues', 'masterLabel'],
  ],
  CustomField: PICKLIST_FIELD,
  GlobalValueSet: [['customValue', 'fullName', 'ordered']],
  StandardValueSet: [['standardValue', 'fullName', 'ordered']],
  RecordType: [
    ['picklistValues', 'picklist'],
    ['picklistValues/values', 'fullName'],
  ],
  Flow: [
    ...FLOW_ELEMENTS.map((element): HandEntry => [element, 'name']),
    // An element's parameters and assignments, one per name or field: their order means nothing, and a position would
    // patch another parameter once one is added before it.
    ['actionCalls/inputParameters', 'name'],
    ['actionCalls/outputParameters', 'name'],
    ['apexPluginCalls/inputParameters', 'name'],
    ['apexPluginCalls/outputParameters', 'name'],
    ['subflows/inputAssignments', 'name'],
    ['subflows/outputAssignments', 'name'],
    ['recordCreates/inputAssignments', 'field'],
    ['recordUpdates/inputAssignments', 'field'],
    // A decision's outcomes and a screen's fields, by name; their order is what the flow does and shows.
    ['decisions/rules', 'name', 'ordered'],
    ['screens/fields', 'name', 'ordered'],
  ],
  // A custom metadata record's values, one per field.
  CustomMetadata: [['values', 'field']],
  BrandingSet: [['brandingSetProperty', 'propertyName']],
  // A Lightning page's regions and facets, by name (components point at facets by name; the template places regions),
  // and a component's properties, one per name. The components inside a region keep their order.
  FlexiPage: [
    ['flexiPageRegions', 'name'],
    ['flexiPageRegions/itemInstances/componentInstance/componentInstanceProperties', 'name'],
  ],
  // An object's own file: one override per action, form factor, and (API 60+) profile and record type.
  CustomObject: [['actionOverrides', ['actionName', 'formFactor', 'profile', 'recordType']]],
};

const cache = new WeakMap<RegistryAccess, Map<string, ElementKeyTable>>();

/**
 * The keyed elements of a file whose root element is `rootName` (a metadata type name: `Profile`, `CustomLabels`,
 * `PermissionSet` also for the files of a decomposed permission set). Unknown types get an empty table.
 */
export function elementKeysFor(registry: RegistryAccess, rootName: string): ElementKeyTable {
  let perRegistry = cache.get(registry);
  if (!perRegistry) {
    perRegistry = new Map();
    cache.set(registry, perRegistry);
  }
  let table = perRegistry.get(rootName);
  if (!table) {
    table = buildTable(registry, rootName, new Set());
    perRegistry.set(rootName, table);
  }
  return table;
}

function buildTable(registry: RegistryAccess, typeName: string, seen: Set<string>): Map<string, ElementKey> {
  const table = new Map<string, ElementKey>();
  if (seen.has(typeName)) return table;
  seen.add(typeName);
  for (const [element, key, ordered] of HAND_TABLE[typeName] ?? []) {
    table.set(element, { element, key: typeof key === 'string' ? [key] : key, ordered: ordered === 'ordered', origin: 'table' });
  }
  const type = typeByName(registry, typeName);
  if (!type) return table;
  for (const child of Object.values(type.children?.types ?? {})) {
    for (const tag of childTags(type, child)) {
      table.set(tag, registryEntry(type, child, tag, table.get(tag)));
      // A child type's own keyed elements, nested: CustomObject (metadata format) `fields/valueSet/…/value`.
      for (const [path, nested] of buildTable(registry, child.name, new Set(seen))) {
        table.set(`${tag}/${path}`, { ...nested, element: `${tag}/${path}`, childType: undefined, ignoreParentName: undefined });
      }
    }
  }
  return table;
}

/** The tags a child type is written under in its parent: its xmlElementName and its decomposed directory names. */
function childTags(type: MetadataType, child: MetadataType): Set<string> {
  const tags = new Set<string>();
  if (child.xmlElementName) tags.add(child.xmlElementName);
  for (const [tag, id] of Object.entries(type.children?.directories ?? {})) if (id === child.id && tag) tags.add(tag);
  return tags;
}

/** The key entry the registry gives for a child type's tag; `hand` is the entry already in the table for it, if any. */
function registryEntry(type: MetadataType, child: MetadataType, tag: string, hand: ElementKey | undefined): ElementKey {
  const inFile = tag === child.xmlElementName && type.strategies?.adapter !== 'decomposed';
  // Without a uniqueIdElement SDR reads `fullName`, else `name`: a hand entry (userPermissions → name) says which.
  const handKey = hand?.origin === 'table' ? hand.key : undefined;
  return {
    element: tag,
    key: child.uniqueIdElement ? [child.uniqueIdElement] : handKey ?? ['fullName'],
    ordered: false,
    childType: inFile ? child.name : undefined,
    ignoreParentName: inFile && child.ignoreParentName === true ? true : undefined,
    origin: 'registry',
  };
}

function typeByName(registry: RegistryAccess, name: string): MetadataType | undefined {
  try {
    return registry.getTypeByName(name);
  } catch {
    return undefined;
  }
}

/** Tag path without keys of an element below the root: `valueSet/valueSetDefinition/value`. */
export function joinElementPath(prefix: string, name: string): string {
  return prefix ? `${prefix}/${name}` : name;
}

/** The key values of a keyed element, in the order of `spec.key` ('' for an absent part). */
export function keyValues(element: CanonicalElement, spec: ElementKey): string[] {
  return spec.key.map((part) => element.children.find((child) => child.name === part && child.text !== undefined)?.text ?? '');
}

/**
 * Groups elements of one tag by key. Undefined when keys are not unique (or an element has no key at all), in
 * which case the caller compares the group by position.
 */
export function groupByKey(elements: readonly CanonicalElement[], spec: ElementKey): Map<string, CanonicalElement> | undefined {
  const byKey = new Map<string, CanonicalElement>();
  for (const element of elements) {
    const values = keyValues(element, spec);
    if (values.every((value) => value === '')) return undefined;
    const id = values.join('\u0000');
    if (byKey.has(id)) return undefined;
    byKey.set(id, element);
  }
  return byKey;
}

/**
 * The canonical element in comparison order: children grouped by tag name (tags sorted), keyed unordered groups
 * sorted by key. Two elements are equal for the Metadata API iff their normalized forms serialize the same.
 */
export function normalize(element: CanonicalElement, table: ElementKeyTable, prefix = ''): CanonicalElement {
  if (element.text !== undefined) return element;
  const groups = groupChildren(element.children);
  const children: CanonicalElement[] = [];
  for (const [name, members] of groups) {
    const path = joinElementPath(prefix, name);
    const normalized = members.map((member) => normalize(member, table, path));
    const spec = table.get(path);
    const byKey = spec && !spec.ordered ? groupByKey(normalized, spec) : undefined;
    if (byKey) children.push(...[...byKey.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, member]) => member));
    else children.push(...normalized);
  }
  return { name: element.name, attributes: element.attributes, children };
}

/** Children by tag name, names sorted, document order kept within a name. */
export function groupChildren(children: readonly CanonicalElement[]): Map<string, CanonicalElement[]> {
  const groups = new Map<string, CanonicalElement[]>();
  for (const child of children) {
    const members = groups.get(child.name);
    if (members) members.push(child);
    else groups.set(child.name, [child]);
  }
  return new Map([...groups.entries()].sort(([a], [b]) => compareStrings(a, b)));
}
