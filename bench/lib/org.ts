import { mkdirSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Rng } from './prng.js';
import { metadataXml, type XmlNode } from './xml.js';
import {
  APEX_KINDS,
  ENDPOINTS,
  FIELD_WORDS,
  JA_WORDS,
  LABEL_WORDS,
  OBJECT_NOUNS,
  OBJECT_SUFFIXES,
  PICKLIST_VALUES,
  PROFILE_NAMES,
  STANDARD_OBJECTS,
  USER_PERMISSIONS,
  ZH_TW_WORDS,
  ZH_WORDS,
} from './vocabulary.js';

export const DEFAULT_API_VERSION = '62.0';
export const PACKAGE_DIR = 'force-app';
/** Every metadata file lives below this folder of the generated project. */
export const SOURCE_ROOT = `${PACKAGE_DIR}/main/default`;

export type GenerateOptions = {
  /** Same seed and files → the same bytes. */
  readonly seed: number;
  /** Target total file count (the result lands within a few files of it for sizes ≥ 1,000). */
  readonly files: number;
  /** Folder to write the SFDX project into. Emptied first if it exists. */
  readonly outDir: string;
  readonly apiVersion?: string;
};

export type GeneratedOrg = {
  /** Absolute path of the project (sfdx-project.json is here). */
  readonly root: string;
  /** Files written, sfdx-project.json and .forceignore included. */
  readonly files: number;
  /** Counts by kind, for reports. */
  readonly counts: Readonly<Record<string, number>>;
};

export type FieldType = 'Text' | 'Number' | 'Currency' | 'Picklist' | 'Lookup' | 'Checkbox' | 'Date' | 'LongTextArea';

export type FieldPlan = {
  readonly name: string;
  readonly label: string;
  readonly type: FieldType;
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
  readonly values?: readonly string[];
  readonly referenceTo?: string;
  readonly relationshipName?: string;
  readonly required: boolean;
  readonly description?: string;
};

type ValidationRulePlan = { readonly name: string; readonly formula: string; readonly field: string; readonly message: string; readonly active: boolean };

type ObjectPlan = {
  readonly name: string;
  readonly label: string;
  readonly plural: string;
  readonly custom: boolean;
  readonly sharingModel: 'ReadWrite' | 'Read' | 'Private' | 'ControlledByParent';
  readonly fields: FieldPlan[];
  readonly recordTypes: string[];
  readonly validationRules: ValidationRulePlan[];
  readonly listViews: string[];
  readonly workflow: boolean;
  readonly sharing: boolean;
  /** Languages it has an objectTranslation for. */
  readonly languages: string[];
};

type ApexPlan = { readonly name: string; readonly kind: (typeof APEX_KINDS)[number]; readonly object: ObjectPlan };
type LwcPlan = { readonly name: string; readonly object: ObjectPlan; readonly css: boolean };
type LabelPlan = { readonly name: string; readonly value: string; readonly category: string };
type EndpointPlan = { readonly name: string; readonly label: string; readonly url: string };

type OrgPlan = {
  readonly apiVersion: string;
  readonly objects: ObjectPlan[];
  readonly apex: ApexPlan[];
  readonly lwc: LwcPlan[];
  readonly labels: LabelPlan[];
  readonly profiles: string[];
  readonly permissionSets: string[];
  readonly namedCredentials: EndpointPlan[];
  readonly remoteSites: EndpointPlan[];
  readonly translationLanguages: string[];
};

/** Languages objects are translated into, and the share of custom objects that are (standard objects: the first only). */
const OBJECT_LANGUAGES = [
  ['zh_CN', 0.6],
  ['ja', 0.2],
] as const;
const TRANSLATION_LANGUAGES = ['zh_CN', 'zh_TW', 'ja'];

/** Writes a synthetic enterprise org as an SFDX project in source format. Deterministic for (seed, files). */
export function generateOrg(options: GenerateOptions): GeneratedOrg {
  const root = resolve(options.outDir);
  if (existsSync(root) && readdirSync(root).length) rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const plan = planOrg(options.seed, options.files, options.apiVersion ?? DEFAULT_API_VERSION);
  const writer = new TreeWriter(root);
  renderOrg(plan, new Rng(options.seed).fork('render'), writer);
  return { root, files: writer.count, counts: writer.counts };
}

/** Writes files and counts them by kind. */
class TreeWriter {
  public count = 0;
  public readonly counts: Record<string, number> = {};
  private readonly made = new Set<string>();

  public constructor(private readonly root: string) {}

  public write(kind: string, relativePath: string, text: string): void {
    const path = join(this.root, relativePath);
    const dir = dirname(path);
    if (!this.made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.made.add(dir);
    }
    writeFileSync(path, text);
    this.count++;
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Planning: decide every name and count first, so that profiles can grant what the objects and classes hold.

function planOrg(seed: number, targetFiles: number, apiVersion: string): OrgPlan {
  const rng = new Rng(seed);
  const target = Math.max(200, Math.floor(targetFiles));
  const clamp = (value: number, min: number, max: number): number => Math.max(min, Math.min(max, Math.round(value)));

  const profiles = PROFILE_NAMES.slice(0, clamp(target / 2500, 3, PROFILE_NAMES.length));
  const permissionSetCount = clamp(target / 400, 2, 150);
  const apexCount = clamp((target * 0.09) / 2, 10, 6000);
  const lwcCount = clamp(target / 1000, 3, 60);
  const endpointCount = clamp(target / 2500, 2, 25);
  const labelCount = clamp(target / 8, 50, 20_000);

  const fixedFiles =
    2 /* sfdx-project.json, .forceignore */ +
    1 /* labels */ +
    TRANSLATION_LANGUAGES.length +
    profiles.length +
    permissionSetCount +
    apexCount * 2 +
    Math.round(lwcCount * 3.5) +
    endpointCount * 2;

  // Objects: standard ones with custom fields first, then custom objects until the file budget is spent.
  const objectRng = rng.fork('objects');
  const objects: ObjectPlan[] = [];
  const usedObjects = new Set<string>();
  let objectFiles = 0;
  const budget = target - fixedFiles;
  const nextObjectName = (): { name: string; custom: boolean } => {
    const standard = STANDARD_OBJECTS.find((name) => !usedObjects.has(name));
    if (standard) return { name: standard, custom: false };
    for (let attempt = 0; ; attempt++) {
      const base = `${objectRng.pick(OBJECT_NOUNS)}${objectRng.pick(OBJECT_SUFFIXES)}`;
      const name = attempt < 20 ? `${base}__c` : `${base}_${objects.length}__c`;
      if (!usedObjects.has(name)) return { name, custom: true };
    }
  };
  while (objects.length < 2 || objectFiles < budget) {
    const { name, custom } = nextObjectName();
    usedObjects.add(name);
    let object = planObject(objectRng.fork(name), name, custom, objects);
    // The last object is trimmed so that the total lands close to the target.
    for (let cap = object.fields.length - 1; objects.length >= 2 && cap >= 1 && objectFileCount(object) > budget - objectFiles; cap--) {
      object = planObject(objectRng.fork(name), name, custom, objects, cap);
    }
    objects.push(object);
    objectFiles += objectFileCount(object);
  }

  const apexRng = rng.fork('apex');
  const apex: ApexPlan[] = [];
  const apexNames = new Set<string>();
  for (let i = 0; apex.length < apexCount; i++) {
    const object = objects[i % objects.length];
    const kind = APEX_KINDS[Math.floor(i / objects.length) % APEX_KINDS.length];
    let name = `${baseName(object.name)}${kind}`;
    if (apexNames.has(name) || name.length > 40) name = `${baseName(object.name).slice(0, 24)}${kind}${i}`;
    if (apexNames.has(name)) name = `${kind}${apexRng.int(1000, 9999)}_${i}`;
    apexNames.add(name);
    apex.push({ name, kind, object });
  }

  const lwc: LwcPlan[] = [];
  const lwcRng = rng.fork('lwc');
  const lwcNames = new Set<string>();
  for (let i = 0; i < lwcCount; i++) {
    const object = objects[(i * 7) % objects.length];
    const suffix = ['Card', 'List', 'Form', 'Panel', 'Summary'][i % 5];
    let name = `${camel(baseName(object.name))}${suffix}`;
    if (lwcNames.has(name)) name = `${name}${i}`;
    lwcNames.add(name);
    lwc.push({ name, object, css: lwcRng.chance(0.5) });
  }

  const labelRng = rng.fork('labels');
  const labels: LabelPlan[] = [];
  const categories = ['Sales', 'Service', 'Errors', 'Navigation', 'China', 'Billing'];
  for (let i = 0; i < labelCount; i++) {
    const category = labelRng.pick(categories);
    const words = Array.from({ length: labelRng.int(2, 12) }, () => labelRng.pick(LABEL_WORDS));
    labels.push({ name: `${category}_${words.slice(0, 2).map(capital).join('_')}_${i}`, value: sentence(words), category });
  }
  // A retrieve lists labels by name.
  labels.sort((a, b) => cmp(a.name, b.name));

  const endpointRng = rng.fork('endpoints');
  const endpoint = (prefix: string, i: number): EndpointPlan => {
    const url = endpointRng.pick(ENDPOINTS);
    const host = url.replace(/^https:\/\//, '').split(/[./]/)[0];
    return { name: `${prefix}_${capital(host)}_${i}`, label: `${capital(host)} ${i}`, url };
  };
  const namedCredentials = Array.from({ length: endpointCount }, (_, i) => endpoint('NC', i));
  const remoteSites = Array.from({ length: endpointCount }, (_, i) => endpoint('RS', i));
  const permissionSets = Array.from({ length: permissionSetCount }, (_, i) => `${baseName(objects[i % objects.length].name)}_Access_${i}`);

  return { apiVersion, objects, apex, lwc, labels, profiles: [...profiles], permissionSets, namedCredentials, remoteSites, translationLanguages: TRANSLATION_LANGUAGES };
}

function planObject(rng: Rng, name: string, custom: boolean, earlier: readonly ObjectPlan[], maxFields = Infinity): ObjectPlan {
  const label = labelOf(name);
  // Skewed: most objects have a handful of fields, some have eighty.
  const fieldCount = Math.min(maxFields, 4 + Math.floor(76 * rng.next() ** 2));
  const fields: FieldPlan[] = [];
  const usedFields = new Set<string>();
  for (let i = 0; i < fieldCount; i++) {
    let base: string = rng.pick(FIELD_WORDS);
    if (usedFields.has(base)) base = `${base}_${i}`;
    usedFields.add(base);
    const type = rng.weighted<FieldType>([
      ['Text', 30],
      ['Number', 12],
      ['Currency', 6],
      ['Picklist', 15],
      ['Lookup', 8],
      ['Checkbox', 12],
      ['Date', 10],
      ['LongTextArea', 4],
    ]);
    fields.push(planField(rng, `${base}__c`, type, name, earlier, i));
  }
  const picklist = fields.find((field) => field.type === 'Picklist');
  const recordTypes = picklist ? rng.sample(['Standard', 'Enterprise', 'SMB', 'Partner', 'China'], rng.int(0, 3)) : [];
  const numeric = fields.filter((field) => field.type === 'Number' || field.type === 'Currency' || field.type === 'Date');
  const validationRules: ValidationRulePlan[] = rng.sample(numeric, rng.int(0, 5)).map((field) => ({
    name: `${baseName(field.name)}_Check`,
    field: field.name,
    formula: field.type === 'Date' ? `AND(NOT(ISBLANK(${field.name})), ${field.name} < DATE(2000,1,1))` : `${field.name} < 0`,
    message: `${field.label} must be valid.`,
    active: rng.chance(0.85),
  }));
  const listViews = ['All', ...rng.sample(['My_Records', 'Recently_Viewed_Open', 'China_Team', 'High_Priority', 'This_Quarter'], rng.int(0, 3))];
  const languages = OBJECT_LANGUAGES.filter(([, share], i) => (custom ? rng.chance(share) : i === 0)).map(([language]) => language);
  return {
    name,
    label,
    plural: `${label}s`,
    custom,
    sharingModel: custom ? rng.weighted([['ReadWrite', 5], ['Read', 2], ['Private', 3]]) : 'ReadWrite',
    fields,
    recordTypes,
    validationRules,
    listViews,
    workflow: rng.chance(0.5),
    sharing: custom && rng.chance(0.3),
    languages,
  };
}

function planField(rng: Rng, name: string, type: FieldType, objectName: string, earlier: readonly ObjectPlan[], index: number): FieldPlan {
  const label = labelOf(name);
  const required = rng.chance(0.08);
  const description = rng.chance(0.3) ? `${label} of the ${labelOf(objectName)}, maintained by the ${rng.pick(['sales', 'service', 'finance', 'China'])} team.` : undefined;
  switch (type) {
    case 'Text':
      return { name, label, type, length: rng.pick([20, 40, 80, 120, 255]), required, description };
    case 'LongTextArea':
      return { name, label, type, length: rng.pick([1000, 32_768, 131_072]), required: false, description };
    case 'Number':
    case 'Currency':
      return { name, label, type, precision: 18, scale: rng.pick([0, 2, 4]), required, description };
    case 'Picklist':
      return { name, label, type, values: rng.sample(PICKLIST_VALUES, rng.int(3, 10)), required, description };
    case 'Lookup': {
      const targets = ['Account', 'Contact', ...earlier.filter((object) => object.custom).slice(-20).map((object) => object.name)];
      const referenceTo = rng.pick(targets);
      return { name, label, type, referenceTo, relationshipName: `${baseName(objectName)}s_${index}`, required: false, description };
    }
    default:
      return { name, label, type, required: false, description };
  }
}

function objectFileCount(object: ObjectPlan): number {
  return (
    1 +
    object.fields.length +
    object.recordTypes.length +
    object.validationRules.length +
    object.listViews.length +
    1 /* layout */ +
    (object.custom ? 1 : 0) /* tab */ +
    (object.workflow ? 1 : 0) +
    (object.sharing ? 1 : 0) +
    object.languages.length * (1 + object.fields.length)
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering.

function renderOrg(plan: OrgPlan, rng: Rng, out: TreeWriter): void {
  const src = SOURCE_ROOT;
  out.write(
    'project',
    'sfdx-project.json',
    JSON.stringify({ packageDirectories: [{ path: PACKAGE_DIR, default: true }], name: 'synthetic-enterprise-org', namespace: '', sfdcLoginUrl: 'https://login.salesforce.com', sourceApiVersion: plan.apiVersion }, null, 2) + '\n'
  );
  out.write('project', '.forceignore', '# Generated by bench/generate.ts\n**/jsconfig.json\n**/.eslintrc.json\n**/__tests__/**\n');

  for (const object of plan.objects) renderObject(object, plan, rng.fork(object.name), out);

  for (const apex of plan.apex) {
    out.write('ApexClass', `${src}/classes/${apex.name}.cls`, apexBody(apex, rng.fork(apex.name)));
    out.write('ApexClass', `${src}/classes/${apex.name}.cls-meta.xml`, metadataXml('ApexClass', [['apiVersion', plan.apiVersion], ['status', 'Active']]));
  }

  for (const bundle of plan.lwc) {
    const dir = `${src}/lwc/${bundle.name}`;
    const fields = bundle.object.fields.slice(0, 6).map((field) => `${bundle.object.name}.${field.name}`);
    out.write('LightningComponentBundle', `${dir}/${bundle.name}.js`, lwcJs(bundle, fields));
    out.write('LightningComponentBundle', `${dir}/${bundle.name}.html`, lwcHtml(bundle, fields));
    out.write(
      'LightningComponentBundle',
      `${dir}/${bundle.name}.js-meta.xml`,
      metadataXml('LightningComponentBundle', [
        ['apiVersion', plan.apiVersion],
        ['isExposed', true],
        ['masterLabel', labelOf(bundle.name)],
        ['targets', [['target', 'lightning__RecordPage'], ['target', 'lightning__AppPage']]],
      ])
    );
    if (bundle.css) out.write('LightningComponentBundle', `${dir}/${bundle.name}.css`, '.container {\n    padding: 0.5rem;\n}\n');
  }

  out.write(
    'CustomLabels',
    `${src}/labels/CustomLabels.labels-meta.xml`,
    metadataXml(
      'CustomLabels',
      plan.labels.map((label) => [
        'labels',
        [
          ['fullName', label.name],
          ['categories', label.category],
          ['language', 'en_US'],
          ['protected', false],
          ['shortDescription', label.name.replace(/_/g, ' ')],
          ['value', label.value],
        ],
      ])
    )
  );

  for (const language of plan.translationLanguages) {
    const words = language === 'ja' ? JA_WORDS : language === 'zh_TW' ? ZH_TW_WORDS : ZH_WORDS;
    const trng = rng.fork(`translation:${language}`);
    const children: XmlNode[] = [];
    for (const label of plan.labels) {
      if (trng.chance(0.8)) children.push(['customLabels', [['label', translated(trng, words)], ['name', label.name]]]);
    }
    for (const object of plan.objects) {
      if (object.custom) children.push(['customTabs', [['label', translated(trng, words)], ['name', object.name]]]);
    }
    out.write('Translations', `${src}/translations/${language}.translation-meta.xml`, metadataXml('Translations', children));
  }

  const customFields = plan.objects.flatMap((object) => object.fields.filter((field) => !field.required).map((field) => `${object.name}.${field.name}`)).sort();
  for (const [index, profile] of plan.profiles.entries()) {
    out.write('Profile', `${src}/profiles/${profile}.profile-meta.xml`, profileXml(profile, index, plan, customFields, rng.fork(`profile:${profile}`)));
  }
  for (const [index, name] of plan.permissionSets.entries()) {
    out.write('PermissionSet', `${src}/permissionsets/${name}.permissionset-meta.xml`, permissionSetXml(name, index, plan, rng.fork(`permset:${name}`)));
  }

  for (const credential of plan.namedCredentials) {
    out.write(
      'NamedCredential',
      `${src}/namedCredentials/${credential.name}.namedCredential-meta.xml`,
      metadataXml('NamedCredential', [
        ['allowMergeFieldsInBody', false],
        ['allowMergeFieldsInHeader', false],
        ['endpoint', credential.url],
        ['generateAuthorizationHeader', true],
        ['label', credential.label],
        ['principalType', 'NamedUser'],
        ['protocol', 'NoAuthentication'],
      ])
    );
  }
  for (const site of plan.remoteSites) {
    out.write(
      'RemoteSiteSetting',
      `${src}/remoteSiteSettings/${site.name}.remoteSite-meta.xml`,
      metadataXml('RemoteSiteSetting', [
        ['description', `Callouts to ${site.label}`],
        ['disableProtocolSecurity', false],
        ['isActive', true],
        ['url', site.url],
      ])
    );
  }
}

// eslint-disable-next-line complexity -- one branch per optional part of a generated object, in file order
function renderObject(object: ObjectPlan, plan: OrgPlan, rng: Rng, out: TreeWriter): void {
  const dir = `${SOURCE_ROOT}/objects/${object.name}`;
  const objectChildren: XmlNode[] = object.custom
    ? [
        ['allowInChatterGroups', false],
        ['compactLayoutAssignment', 'SYSTEM'],
        ['deploymentStatus', 'Deployed'],
        ['description', `${object.label} records.`],
        ['enableActivities', rng.chance(0.5)],
        ['enableBulkApi', true],
        ['enableFeeds', false],
        ['enableHistory', rng.chance(0.4)],
        ['enableReports', true],
        ['enableSearch', true],
        ['enableSharing', true],
        ['enableStreamingApi', true],
        ['label', object.label],
        ['nameField', [['label', `${object.label} Name`], ['trackHistory', false], ['type', 'Text']]],
        ['pluralLabel', object.plural],
        ['searchLayouts', [['searchResultsAdditionalFields', 'NAME']]],
        ['sharingModel', object.sharingModel],
        ['visibility', 'Public'],
      ]
    : [
        ['compactLayoutAssignment', 'SYSTEM'],
        ['enableFeeds', true],
        ['enableHistory', true],
        ['searchLayouts', [['searchResultsAdditionalFields', 'NAME']]],
        ['sharingModel', object.sharingModel],
      ];
  out.write('CustomObject', `${dir}/${object.name}.object-meta.xml`, metadataXml('CustomObject', objectChildren));

  for (const field of object.fields) out.write('CustomField', `${dir}/fields/${field.name}.field-meta.xml`, fieldXml(field));

  const picklist = object.fields.find((field) => field.type === 'Picklist');
  for (const recordType of object.recordTypes) {
    const values = picklist ? rng.sample(picklist.values ?? [], Math.max(1, (picklist.values ?? []).length - 1)) : [];
    out.write(
      'RecordType',
      `${dir}/recordTypes/${recordType}.recordType-meta.xml`,
      metadataXml('RecordType', [
        ['fullName', recordType],
        ['active', true],
        ['label', labelOf(recordType)],
        ...(picklist ? ([['picklistValues', [['picklist', picklist.name], ...values.map((value): XmlNode => ['values', [['fullName', value], ['default', false]]])]]] as XmlNode[]) : []),
      ])
    );
  }
  for (const rule of object.validationRules) {
    out.write(
      'ValidationRule',
      `${dir}/validationRules/${rule.name}.validationRule-meta.xml`,
      metadataXml('ValidationRule', [
        ['fullName', rule.name],
        ['active', rule.active],
        ['errorConditionFormula', rule.formula],
        ['errorDisplayField', rule.field],
        ['errorMessage', rule.message],
      ])
    );
  }
  for (const view of object.listViews) {
    const columns = ['NAME', ...object.fields.slice(0, rng.int(2, 6)).map((field) => field.name)];
    const filters: XmlNode[] = view === 'All' ? [['filterScope', 'Everything']] : [['filterScope', view === 'My_Records' ? 'Mine' : 'Everything']];
    out.write('ListView', `${dir}/listViews/${view}.listView-meta.xml`, metadataXml('ListView', [['fullName', view], ...columns.map((column): XmlNode => ['columns', column]), ...filters, ['label', labelOf(view)]]));
  }

  out.write('Layout', `${SOURCE_ROOT}/layouts/${object.name}-${object.label} Layout.layout-meta.xml`, layoutXml(object));
  if (object.custom) {
    out.write('CustomTab', `${SOURCE_ROOT}/tabs/${object.name}.tab-meta.xml`, metadataXml('CustomTab', [['customObject', true], ['motif', `Custom${rng.int(1, 99)}: ${rng.pick(['Airplane', 'Bank', 'Box', 'Truck', 'Globe', 'Form'])}`]]));
  }
  if (object.workflow) out.write('Workflow', `${SOURCE_ROOT}/workflows/${object.name}.workflow-meta.xml`, workflowXml(object, rng.fork('workflow')));
  if (object.sharing) out.write('SharingRules', `${SOURCE_ROOT}/sharingRules/${object.name}.sharingRules-meta.xml`, sharingXml(object, rng.fork('sharing')));

  for (const language of object.languages) {
    const words = language === 'ja' ? JA_WORDS : ZH_WORDS;
    const tdir = `${SOURCE_ROOT}/objectTranslations/${object.name}-${language}`;
    const trng = rng.fork(language);
    out.write(
      'CustomObjectTranslation',
      `${tdir}/${object.name}-${language}.objectTranslation-meta.xml`,
      metadataXml('CustomObjectTranslation', [
        ['caseValues', [['plural', false], ['value', translated(trng, words)]]],
        ['caseValues', [['plural', true], ['value', translated(trng, words)]]],
        ...object.recordTypes.map((recordType): XmlNode => ['recordTypes', [['label', translated(trng, words)], ['name', recordType]]]),
        ...object.validationRules.map((rule): XmlNode => ['validationRules', [['errorMessage', translated(trng, words)], ['name', rule.name]]]),
      ])
    );
    for (const field of object.fields) {
      const children: XmlNode[] = [['label', translated(trng, words)], ['name', field.name]];
      for (const value of field.values ?? []) children.push(['picklistValues', [['masterLabel', value], ['translation', translated(trng, words)]]]);
      if (field.relationshipName) children.push(['relationshipLabel', translated(trng, words)]);
      out.write('CustomFieldTranslation', `${tdir}/${field.name}.fieldTranslation-meta.xml`, metadataXml('CustomFieldTranslation', children));
    }
  }
}

export function fieldXml(field: FieldPlan): string {
  const children: XmlNode[] = [['fullName', field.name]];
  if (field.type === 'Checkbox') children.push(['defaultValue', false]);
  if (field.type === 'Lookup') children.push(['deleteConstraint', 'SetNull']);
  if (field.description) children.push(['description', field.description]);
  if (field.type === 'Text') children.push(['externalId', false]);
  children.push(['label', field.label]);
  if (field.length !== undefined) children.push(['length', field.length]);
  if (field.precision !== undefined) children.push(['precision', field.precision]);
  if (field.referenceTo) children.push(['referenceTo', field.referenceTo], ['relationshipLabel', labelOf(field.relationshipName!)], ['relationshipName', field.relationshipName!]);
  if (field.type !== 'Checkbox' && field.type !== 'LongTextArea') children.push(['required', field.required]);
  if (field.scale !== undefined) children.push(['scale', field.scale]);
  children.push(['trackTrending', false]);
  children.push(['type', field.type]);
  if (field.type === 'Text') children.push(['unique', false]);
  if (field.type === 'LongTextArea') children.push(['visibleLines', 5]);
  if (field.values) {
    children.push([
      'valueSet',
      [
        ['restricted', true],
        ['valueSetDefinition', [['sorted', false], ...field.values.map((value): XmlNode => ['value', [['fullName', value], ['default', false], ['label', value]]])]],
      ],
    ]);
  }
  return metadataXml('CustomField', children);
}

function layoutXml(object: ObjectPlan): string {
  const items = (fields: readonly FieldPlan[]): XmlNode[] =>
    fields.map((field): XmlNode => ['layoutItems', [['behavior', field.required ? 'Required' : 'Edit'], ['field', field.name]]]);
  const half = Math.ceil(object.fields.length / 2);
  return metadataXml('Layout', [
    [
      'layoutSections',
      [
        ['customLabel', false],
        ['detailHeading', false],
        ['editHeading', true],
        ['label', 'Information'],
        ['layoutColumns', [['layoutItems', [['behavior', 'Required'], ['field', 'Name']]], ...items(object.fields.slice(0, half))]],
        ['layoutColumns', items(object.fields.slice(half))],
        ['style', 'TwoColumnsTopToBottom'],
      ],
    ],
    ['showEmailCheckbox', false],
    ['showHighlightsPanel', false],
    ['showInteractionLogPanel', false],
    ['showRunAssignmentRulesCheckbox', false],
    ['showSubmitAndAttachButton', false],
  ]);
}

function workflowXml(object: ObjectPlan, rng: Rng): string {
  const picklist = object.fields.find((field) => field.type === 'Picklist');
  const checkbox = object.fields.find((field) => field.type === 'Checkbox');
  const ruleCount = rng.int(1, 3);
  const alerts: XmlNode[] = [];
  const updates: XmlNode[] = [];
  const rules: XmlNode[] = [];
  for (let i = 0; i < ruleCount; i++) {
    const alertName = `Notify_Owner_${i}`;
    alerts.push([
      'alerts',
      [
        ['fullName', alertName],
        ['description', `Notify owner ${i}`],
        ['protected', false],
        ['recipients', [['type', 'owner']]],
        ['senderType', 'CurrentUser'],
        ['template', `unfiled$public/${baseName(object.name)}_Notice_${i}`],
      ],
    ]);
    const actions: XmlNode[] = [['actions', [['name', alertName], ['type', 'Alert']]]];
    if (checkbox) {
      const updateName = `Set_${baseName(checkbox.name)}_${i}`;
      updates.push([
        'fieldUpdates',
        [
          ['fullName', updateName],
          ['field', checkbox.name],
          ['literalValue', '1'],
          ['name', `Set ${checkbox.label} ${i}`],
          ['notifyAssignee', false],
          ['operation', 'Literal'],
          ['protected', false],
          ['reevaluateOnChange', false],
        ],
      ]);
      actions.push(['actions', [['name', updateName], ['type', 'FieldUpdate']]]);
    }
    const value = picklist?.values?.[i % (picklist.values.length || 1)];
    rules.push([
      'rules',
      [
        ['fullName', `${object.label} Rule ${i}`],
        ...actions,
        ['active', rng.chance(0.8)],
        ['formula', picklist && value ? `ISPICKVAL(${picklist.name}, '${value}')` : 'ISNEW()'],
        ['triggerType', rng.pick(['onCreateOnly', 'onCreateOrTriggeringUpdate', 'onAllChanges'])],
      ],
    ]);
  }
  return metadataXml('Workflow', [...alerts, ...updates, ...rules]);
}

function sharingXml(object: ObjectPlan, rng: Rng): string {
  const picklist = object.fields.find((field) => field.type === 'Picklist');
  const rules: XmlNode[] = [];
  for (let i = 0; i < rng.int(1, 4); i++) {
    const group = rng.pick(['EMEA_Sales', 'APAC_Sales', 'China_Sales', 'Service_Leads', 'Finance']);
    rules.push([
      'sharingCriteriaRules',
      [
        ['fullName', `Share_${group}_${i}`],
        ['accessLevel', rng.pick(['Read', 'Edit'])],
        ['label', `Share ${group.replace(/_/g, ' ')} ${i}`],
        ['sharedTo', [['group', group]]],
        ['criteriaItems', [['field', picklist?.name ?? 'Name'], ['operation', 'equals'], ['value', picklist?.values?.[0] ?? 'A']]],
        ['includeRecordsOwnedByAll', true],
      ],
    ]);
  }
  return metadataXml('SharingRules', rules);
}

// eslint-disable-next-line complexity -- one branch per profile section, in the order Salesforce writes them
function profileXml(profile: string, index: number, plan: OrgPlan, customFields: readonly string[], rng: Rng): string {
  const admin = index === 0;
  const children: XmlNode[] = [];
  for (const apex of [...plan.apex].sort((a, b) => cmp(a.name, b.name))) {
    children.push(['classAccesses', [['apexClass', apex.name], ['enabled', admin || rng.chance(0.6)]]]);
  }
  children.push(['custom', index > 1]);
  for (const field of customFields) {
    const readable = admin || rng.chance(0.8);
    children.push(['fieldPermissions', [['editable', readable && (admin || rng.chance(0.6))], ['field', field], ['readable', readable]]]);
  }
  const objects = [...plan.objects].sort((a, b) => cmp(a.name, b.name));
  for (const object of objects) children.push(['layoutAssignments', [['layout', `${object.name}-${object.label} Layout`]]]);
  for (const object of objects) {
    const read = admin || rng.chance(0.85);
    const edit = read && (admin || rng.chance(0.6));
    children.push([
      'objectPermissions',
      [
        ['allowCreate', edit && (admin || rng.chance(0.7))],
        ['allowDelete', edit && (admin || rng.chance(0.3))],
        ['allowEdit', edit],
        ['allowRead', read],
        ['modifyAllRecords', admin],
        ['object', object.name],
        ['viewAllRecords', admin || (read && rng.chance(0.1))],
      ],
    ]);
  }
  for (const object of objects) {
    for (const [i, recordType] of object.recordTypes.entries()) {
      children.push(['recordTypeVisibilities', [['default', i === 0], ['recordType', `${object.name}.${recordType}`], ['visible', admin || rng.chance(0.7)]]]);
    }
  }
  for (const object of objects) {
    const tab = object.custom ? object.name : `standard-${object.name}`;
    children.push(['tabVisibilities', [['tab', tab], ['visibility', rng.pick(['DefaultOn', 'DefaultOff', 'Hidden'])]]]);
  }
  children.push(['userLicense', 'Salesforce']);
  for (const permission of [...USER_PERMISSIONS].sort(cmp)) {
    if (admin || rng.chance(0.4)) children.push(['userPermissions', [['enabled', true], ['name', permission]]]);
  }
  return metadataXml('Profile', children);
}

function permissionSetXml(name: string, index: number, plan: OrgPlan, rng: Rng): string {
  const objects = rng.sample(plan.objects, rng.int(1, 5)).sort((a, b) => cmp(a.name, b.name));
  const classes = rng.sample(plan.apex, rng.int(0, 8)).sort((a, b) => cmp(a.name, b.name));
  const children: XmlNode[] = classes.map((apex): XmlNode => ['classAccesses', [['apexClass', apex.name], ['enabled', true]]]);
  children.push(['description', `Access to ${objects.map((object) => object.label).join(', ')}.`]);
  const fields = objects.flatMap((object) => object.fields.filter((field) => !field.required).map((field) => `${object.name}.${field.name}`)).sort(cmp);
  for (const field of fields) children.push(['fieldPermissions', [['editable', rng.chance(0.5)], ['field', field], ['readable', true]]]);
  children.push(['hasActivationRequired', false]);
  children.push(['label', name.replace(/_/g, ' ')]);
  for (const object of objects) {
    const edit = rng.chance(0.6);
    children.push([
      'objectPermissions',
      [
        ['allowCreate', edit],
        ['allowDelete', false],
        ['allowEdit', edit],
        ['allowRead', true],
        ['modifyAllRecords', false],
        ['object', object.name],
        ['viewAllRecords', false],
      ],
    ]);
  }
  for (const object of objects) if (object.custom) children.push(['tabSettings', [['tab', object.name], ['visibility', 'Visible']]]);
  for (const permission of rng.sample(USER_PERMISSIONS, index % 3).sort(cmp)) children.push(['userPermissions', [['enabled', true], ['name', permission]]]);
  return metadataXml('PermissionSet', children);
}

function apexBody(apex: ApexPlan, rng: Rng): string {
  const object = apex.object;
  const fields = object.fields.slice(0, Math.min(object.fields.length, rng.int(2, 10))).map((field) => field.name);
  const select = `SELECT Id, Name${fields.map((field) => `, ${field}`).join('')} FROM ${object.name}`;
  const methods: string[] = [];
  const methodCount = rng.int(1, 12);
  for (let i = 0; i < methodCount; i++) {
    const field = fields[i % fields.length] ?? 'Name';
    if (apex.kind === 'Test') {
      methods.push(
        `    @IsTest\n    static void test${capital(baseName(field))}${i}() {\n        ${object.name} record = new ${object.name}();\n        insert record;\n        Test.startTest();\n        List<${object.name}> found = [${select} WHERE Id = :record.Id];\n        Test.stopTest();\n        System.assertEquals(1, found.size(), 'one record expected');\n    }`
      );
    } else {
      const annotation = apex.kind === 'Controller' ? '    @AuraEnabled(cacheable=true)\n' : '';
      methods.push(
        `${annotation}    public static List<${object.name}> find${capital(baseName(field))}${i}(Set<Id> ids) {\n        List<${object.name}> records = [${select} WHERE Id IN :ids];\n        for (${object.name} record : records) {\n            if (record.${field} == null) {\n                continue;\n            }\n        }\n        return records;\n    }`
      );
    }
  }
  const header =
    apex.kind === 'Test'
      ? `@IsTest\nprivate class ${apex.name} {`
      : apex.kind === 'Batch'
        ? `public with sharing class ${apex.name} implements Database.Batchable<SObject> {\n    public Database.QueryLocator start(Database.BatchableContext context) {\n        return Database.getQueryLocator('${select}');\n    }\n\n    public void execute(Database.BatchableContext context, List<SObject> scope) {\n        update scope;\n    }\n\n    public void finish(Database.BatchableContext context) {\n        System.debug('done');\n    }`
        : `public with sharing class ${apex.name} {`;
  return `/**\n * ${apex.kind} for ${object.label}.\n */\n${header}\n${methods.join('\n\n')}\n}\n`;
}

function lwcJs(bundle: LwcPlan, fields: readonly string[]): string {
  const imports = fields.map((field, i) => `import FIELD_${i} from '@salesforce/schema/${field}';`).join('\n');
  return `import { LightningElement, api, wire } from 'lwc';\nimport { getRecord } from 'lightning/uiRecordApi';\n${imports}\n\nconst FIELDS = [${fields.map((_, i) => `FIELD_${i}`).join(', ')}];\n\nexport default class ${capital(bundle.name)} extends LightningElement {\n    @api recordId;\n\n    @wire(getRecord, { recordId: '$recordId', fields: FIELDS })\n    record;\n}\n`;
}

function lwcHtml(bundle: LwcPlan, fields: readonly string[]): string {
  const rows = fields.map((field) => `            <lightning-output-field field-name="${field.split('.')[1]}"></lightning-output-field>`).join('\n');
  return `<template>\n    <lightning-card title="${labelOf(bundle.name)}">\n        <lightning-record-view-form record-id={recordId} object-api-name="${bundle.object.name}">\n${rows}\n        </lightning-record-view-form>\n    </lightning-card>\n</template>\n`;
}

// ---------------------------------------------------------------------------------------------------------------

export function baseName(apiName: string): string {
  return apiName.replace(/__c$/, '');
}

export function labelOf(apiName: string): string {
  return baseName(apiName)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^./, (char) => char.toUpperCase());
}

export function capital(text: string): string {
  return text.replace(/_/g, '').replace(/^./, (char) => char.toUpperCase());
}

function camel(text: string): string {
  const parts = text.split('_').filter(Boolean);
  return parts.map((part, i) => (i === 0 ? part.toLowerCase() : part[0].toUpperCase() + part.slice(1).toLowerCase())).join('');
}

export function sentence(words: readonly string[]): string {
  const text = words.join(' ');
  return text[0].toUpperCase() + text.slice(1) + '.';
}

function translated(rng: Rng, words: readonly string[]): string {
  return Array.from({ length: rng.int(1, 4) }, () => rng.pick(words)).join('');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
