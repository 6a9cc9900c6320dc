import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { Rng } from './prng.js';
import { metadataXml } from './xml.js';
import { capital, fieldXml, labelOf, sentence, type FieldPlan } from './org.js';
import { FIELD_WORDS, JA_WORDS, LABEL_WORDS, PICKLIST_VALUES, ZH_WORDS } from './vocabulary.js';

/** The kinds of change real work makes, as mutateOrg applies them. */
export const MUTATION_KINDS = [
  'field-label',
  'field-attribute',
  'field-add',
  'field-remove',
  'label-value',
  'label-add',
  'label-remove',
  'profile-permission',
  'permset-permission',
  'apex-body',
  'apex-add',
  'apex-rename',
  'move',
  'delete',
  'workflow',
  'sharing',
  'translation',
  'validation-rule',
  'lwc',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

/** How often each kind happens relative to the others (a week of work on an enterprise org, roughly). */
const WEIGHTS: Record<MutationKind, number> = {
  'field-label': 12,
  'field-attribute': 8,
  'field-add': 8,
  'field-remove': 3,
  'label-value': 6,
  'label-add': 4,
  'label-remove': 2,
  'profile-permission': 5,
  'permset-permission': 5,
  'apex-body': 16,
  'apex-add': 4,
  'apex-rename': 2,
  move: 2,
  delete: 3,
  workflow: 4,
  sharing: 3,
  translation: 8,
  'validation-rule': 4,
  lwc: 3,
};

export type MutateOptions = {
  readonly seed: number;
  /** Share of the tree's files to change (0.01 = 1 %). At least one file is changed. */
  readonly fraction: number;
  /** Restrict to these kinds (default: all, weighted by how often real work does them). */
  readonly kinds?: readonly MutationKind[];
};

/** One change mutateOrg made, with the files it touched (relative to the root, `/` separators). */
export type Mutation = {
  readonly kind: MutationKind;
  readonly description: string;
  readonly paths: readonly string[];
};

/** What mutateOrg changed. added/modified/deleted are exact: they match a byte comparison of the tree before and after. */
export type MutationReport = {
  readonly filesBefore: number;
  readonly filesAfter: number;
  /** Files it aimed to touch: round(fraction × filesBefore), at least 1. */
  readonly target: number;
  readonly added: readonly string[];
  readonly modified: readonly string[];
  readonly deleted: readonly string[];
  /** Files moved or renamed (each also listed in added and deleted). */
  readonly renamed: ReadonlyArray<{ readonly from: string; readonly to: string }>;
  readonly mutations: readonly Mutation[];
};

const SKIPPED = new Set(['.git', 'node_modules', '.sf', '.sfdx', '.sf-federate']);

/**
 * Changes a fraction of a generated project's files the way real work does, in place, deterministically for a seed
 * and a tree. Works on any tree the generator wrote, including one it already mutated.
 */
export function mutateOrg(root: string, options: MutateOptions): MutationReport {
  const tree = new WorkingTree(resolve(root));
  const rng = new Rng(options.seed).fork('mutate');
  const kinds = (options.kinds?.length ? options.kinds : MUTATION_KINDS).filter((kind) => MUTATION_KINDS.includes(kind));
  if (!kinds.length) throw new Error(`mutateOrg: no known kind in ${JSON.stringify(options.kinds)}; known: ${MUTATION_KINDS.join(', ')}`);
  const entries = kinds.map((kind) => [kind, WEIGHTS[kind]] as const);
  const filesBefore = tree.initialCount;
  const target = Math.max(1, Math.round(options.fraction * filesBefore));
  const mutations: Mutation[] = [];
  let misses = 0;
  while (tree.touched.size < target && misses < 200) {
    const kind = rng.weighted(entries);
    const mutation = OPERATIONS[kind](tree, rng.fork(`${mutations.length}:${misses}`));
    if (mutation) {
      mutations.push({ kind, ...mutation });
      misses = 0;
    } else {
      misses++;
    }
  }
  return tree.commit(filesBefore, target, mutations);
}

type Applied = { description: string; paths: string[] } | undefined;
type Operation = (tree: WorkingTree, rng: Rng) => Applied;

const PATTERNS = {
  field: /\/objects\/[^/]+\/fields\/[^/]+\.field-meta\.xml$/,
  object: /\/objects\/([^/]+)\/\1\.object-meta\.xml$/,
  labels: /\/labels\/[^/]+\.labels-meta\.xml$/,
  profile: /\/profiles\/[^/]+\.profile-meta\.xml$/,
  permset: /\/permissionsets\/[^/]+\.permissionset-meta\.xml$/,
  apex: /\/classes\/(?:.+\/)?[^/]+\.cls$/,
  workflow: /\/workflows\/[^/]+\.workflow-meta\.xml$/,
  sharing: /\/sharingRules\/[^/]+\.sharingRules-meta\.xml$/,
  fieldTranslation: /\/objectTranslations\/[^/]+\/[^/]+\.fieldTranslation-meta\.xml$/,
  translation: /\/translations\/[^/]+\.translation-meta\.xml$/,
  validationRule: /\/validationRules\/[^/]+\.validationRule-meta\.xml$/,
  listView: /\/listViews\/[^/]+\.listView-meta\.xml$/,
  lwcHtml: /\/lwc\/([^/]+)\/\1\.html$/,
} as const;
type Category = keyof typeof PATTERNS;

const OPERATIONS: Record<MutationKind, Operation> = {
  'field-label': (tree, rng) => {
    const path = tree.pick('field', rng);
    if (!path) return undefined;
    const text = tree.read(path);
    const match = /\n {4}<label>(.*)<\/label>/.exec(text);
    if (!match) return undefined;
    const base = match[1].replace(/ \((?:Legacy|Global|New|Local|Ref)\)$/, '');
    const suffix = rng.pick(['Legacy', 'Global', 'New', 'Local', 'Ref'].filter((word) => !match[1].endsWith(`(${word})`)));
    tree.write(path, text.replace(match[0], `\n    <label>${base} (${suffix})</label>`));
    return { description: `relabelled ${fieldName(path)}`, paths: [path] };
  },
  'field-attribute': (tree, rng) => {
    const path = tree.pick('field', rng);
    if (!path) return undefined;
    const text = tree.read(path);
    let next: string | undefined;
    let what = '';
    const length = /<length>(\d+)<\/length>/.exec(text);
    const scale = /<scale>(\d+)<\/scale>/.exec(text);
    if (length) {
      const value = rng.pick([20, 40, 80, 100, 120, 255, 1000, 32_768].filter((candidate) => String(candidate) !== length[1]));
      next = text.replace(length[0], `<length>${value}</length>`);
      what = `length ${length[1]} → ${value}`;
    } else if (text.includes('<valueSetDefinition>')) {
      const value = `${rng.pick(PICKLIST_VALUES)} ${rng.int(2, 99)}`;
      next = text.replace(/(\n {8}<\/valueSetDefinition>)/, `\n            <value>\n                <fullName>${value}</fullName>\n                <default>false</default>\n                <label>${value}</label>\n            </value>$1`);
      what = `picklist value ${value} added`;
    } else if (scale) {
      const value = scale[1] === '2' ? 0 : 2;
      next = text.replace(scale[0], `<scale>${value}</scale>`);
      what = `scale ${scale[1]} → ${value}`;
    } else {
      const help = `${sentence(Array.from({ length: rng.int(3, 8) }, () => rng.pick(LABEL_WORDS)))}`;
      next = /<inlineHelpText>.*<\/inlineHelpText>/.test(text)
        ? text.replace(/<inlineHelpText>.*<\/inlineHelpText>/, `<inlineHelpText>${help}</inlineHelpText>`)
        : text.replace(/(\n {4}<label>)/, `\n    <inlineHelpText>${help}</inlineHelpText>$1`);
      what = 'help text';
    }
    if (next === text) return undefined;
    tree.write(path, next);
    return { description: `${fieldName(path)}: ${what}`, paths: [path] };
  },
  'field-add': (tree, rng) => {
    const objectPath = tree.pick('object', rng);
    if (!objectPath) return undefined;
    const dir = posix.dirname(objectPath);
    const name = `${rng.pick(FIELD_WORDS)}_${rng.int(100, 99_999)}__c`;
    const path = `${dir}/fields/${name}.field-meta.xml`;
    if (tree.exists(path)) return undefined;
    const type = rng.pick(['Text', 'Checkbox', 'Number', 'Date'] as const);
    const field: FieldPlan = {
      name,
      label: labelOf(name),
      type,
      required: false,
      ...(type === 'Text' ? { length: rng.pick([40, 80, 255]) } : type === 'Number' ? { precision: 18, scale: 2 } : {}),
    };
    tree.write(path, fieldXml(field));
    return { description: `added ${posix.basename(dir)}.${name}`, paths: [path] };
  },
  'field-remove': (tree, rng) => {
    const path = tree.pick('field', rng);
    if (!path) return undefined;
    const name = posix.basename(path).replace(/\.field-meta\.xml$/, '');
    const object = posix.basename(posix.dirname(posix.dirname(path)));
    const translationsDir = path.slice(0, path.indexOf('/objects/')) + '/objectTranslations';
    const translations = tree.list('fieldTranslation').filter((candidate) => candidate.startsWith(`${translationsDir}/${object}-`) && candidate.endsWith(`/${name}.fieldTranslation-meta.xml`));
    for (const file of [path, ...translations]) tree.remove(file);
    return { description: `removed ${object}.${name} and its translations`, paths: [path, ...translations] };
  },
  'label-value': (tree, rng) => {
    const path = tree.pick('labels', rng);
    if (!path) return undefined;
    const text = tree.read(path);
    const found = findFrom(text, /\n {8}<value>(.*)<\/value>/g, rng.int(0, text.length));
    if (!found) return undefined;
    const value = sentence(Array.from({ length: rng.int(2, 10) }, () => rng.pick(LABEL_WORDS)));
    tree.write(path, splice(text, found.index, found[0].length, `\n        <value>${value}</value>`));
    return { description: 'changed a custom label value', paths: [path] };
  },
  'label-add': (tree, rng) => {
    const path = tree.pick('labels', rng);
    if (!path) return undefined;
    const text = tree.read(path);
    const words = Array.from({ length: rng.int(2, 8) }, () => rng.pick(LABEL_WORDS));
    const name = `Feature_${words.slice(0, 2).map(capital).join('_')}_${rng.int(1000, 999_999)}`;
    if (text.includes(`<fullName>${name}</fullName>`)) return undefined;
    const block = `    <labels>\n        <fullName>${name}</fullName>\n        <categories>Feature</categories>\n        <language>en_US</language>\n        <protected>false</protected>\n        <shortDescription>${name.replace(/_/g, ' ')}</shortDescription>\n        <value>${sentence(words)}</value>\n    </labels>\n`;
    // Keep the file sorted by name, as a retrieve writes it.
    const names = /\n {4}<labels>\n {8}<fullName>(.*)<\/fullName>/g;
    let at = text.lastIndexOf('</CustomLabels>');
    for (let match = names.exec(text); match; match = names.exec(text)) {
      if (match[1] > name) {
        at = match.index + 1;
        break;
      }
    }
    tree.write(path, splice(text, at, 0, block));
    return { description: `added custom label ${name}`, paths: [path] };
  },
  'label-remove': (tree, rng) => {
    const path = tree.pick('labels', rng);
    if (!path) return undefined;
    const text = tree.read(path);
    const found = findFrom(text, /\n {4}<labels>\n[\s\S]*?\n {4}<\/labels>/g, rng.int(0, text.length));
    if (!found) return undefined;
    tree.write(path, splice(text, found.index, found[0].length, ''));
    return { description: 'removed a custom label', paths: [path] };
  },
  'profile-permission': (tree, rng) => flipPermission(tree, rng, 'profile'),
  'permset-permission': (tree, rng) => flipPermission(tree, rng, 'permset'),
  'apex-body': (tree, rng) => {
    const path = tree.pick('apex', rng);
    if (!path) return undefined;
    const text = tree.read(path);
    const open = text.indexOf('{\n');
    const close = text.lastIndexOf('}');
    if (open < 0 || close < 0) return undefined;
    const n = rng.int(1, 99_999);
    const next = rng.chance(0.5)
      ? splice(text, open + 2, 0, `    private static final String FEATURE_${n} = 'F-${n}';\n\n`)
      : splice(text, close, 0, `\n    public static Boolean isEnabled${n}(String region) {\n        return region != null && region.startsWith('${rng.pick(['CN', 'EU', 'US'])}');\n    }\n`);
    tree.write(path, next);
    return { description: `edited ${posix.basename(path)}`, paths: [path] };
  },
  'apex-add': (tree, rng) => {
    const classes = tree.pick('apex', rng);
    const dir = classes ? posix.dirname(classes) : undefined;
    if (!dir) return undefined;
    const name = `Feature${rng.int(100, 999_999)}${rng.pick(['Service', 'Util', 'Handler', 'Test'])}`;
    const path = `${dir}/${name}.cls`;
    if (tree.exists(path)) return undefined;
    tree.write(path, `public with sharing class ${name} {\n    public static String describe() {\n        return '${name}';\n    }\n}\n`);
    tree.write(`${path}-meta.xml`, metadataXml('ApexClass', [['apiVersion', apiVersionOf(tree, dir)], ['status', 'Active']]));
    return { description: `added class ${name}`, paths: [path, `${path}-meta.xml`] };
  },
  'apex-rename': (tree, rng) => {
    const path = tree.pick('apex', rng);
    if (!path || !tree.exists(`${path}-meta.xml`)) return undefined;
    const name = posix.basename(path, '.cls');
    const version = /V(\d+)$/.exec(name);
    const renamed = version ? `${name.slice(0, -version[0].length)}V${Number(version[1]) + 1}` : `${name}V2`;
    const to = `${posix.dirname(path)}/${renamed}.cls`;
    if (renamed.length > 40 || tree.exists(to)) return undefined;
    tree.write(to, tree.read(path).replace(new RegExp(`\\b${name}\\b`, 'g'), renamed));
    tree.write(`${to}-meta.xml`, tree.read(`${path}-meta.xml`));
    tree.remove(path);
    tree.remove(`${path}-meta.xml`);
    tree.renamed(path, to);
    tree.renamed(`${path}-meta.xml`, `${to}-meta.xml`);
    return { description: `renamed class ${name} → ${renamed}`, paths: [path, `${path}-meta.xml`, to, `${to}-meta.xml`] };
  },
  move: (tree, rng) => {
    const path = tree.pick('apex', rng);
    if (!path || !tree.exists(`${path}-meta.xml`)) return undefined;
    const classesDir = path.slice(0, path.indexOf('/classes/') + '/classes'.length);
    const current = posix.dirname(path);
    const folder = rng.pick(['sales', 'service', 'billing', 'china', 'integration']);
    const targetDir = current === `${classesDir}/${folder}` ? classesDir : `${classesDir}/${folder}`;
    const to = `${targetDir}/${posix.basename(path)}`;
    if (tree.exists(to)) return undefined;
    for (const [from, dest] of [
      [path, to],
      [`${path}-meta.xml`, `${to}-meta.xml`],
    ]) {
      tree.write(dest, tree.read(from));
      tree.remove(from);
      tree.renamed(from, dest);
    }
    return { description: `moved ${posix.basename(path)} to ${targetDir}`, paths: [path, `${path}-meta.xml`, to, `${to}-meta.xml`] };
  },
  delete: (tree, rng) => {
    const what = rng.weighted([
      ['apex', 4],
      ['validationRule', 2],
      ['listView', 2],
      ['lwc', 1],
    ] as const);
    if (what === 'lwc') {
      const html = tree.pick('lwcHtml', rng);
      if (!html) return undefined;
      const dir = posix.dirname(html);
      const files = tree.below(dir);
      for (const file of files) tree.remove(file);
      return { description: `deleted LWC ${posix.basename(dir)}`, paths: files };
    }
    const path = tree.pick(what, rng);
    if (!path) return undefined;
    const files = what === 'apex' ? [path, `${path}-meta.xml`].filter((file) => tree.exists(file)) : [path];
    for (const file of files) tree.remove(file);
    return { description: `deleted ${posix.basename(path)}`, paths: files };
  },
  workflow: (tree, rng) => {
    const path = tree.pick('workflow', rng);
    if (!path) return undefined;
    const text = tree.read(path);
    const choice = rng.int(0, 2);
    let next = text;
    if (choice === 0) next = replaceOne(text, /<active>(true|false)<\/active>/g, rng, (m) => `<active>${m[1] === 'true' ? 'false' : 'true'}</active>`);
    else if (choice === 1) {
      next = replaceOne(text, /<triggerType>(\w+)<\/triggerType>/g, rng, (m) => `<triggerType>${m[1] === 'onAllChanges' ? 'onCreateOnly' : 'onAllChanges'}</triggerType>`);
    } else next = replaceOne(text, /<formula>(.*)<\/formula>/g, rng, (m) => `<formula>AND(${m[1]}, NOT(ISBLANK(OwnerId)))</formula>`);
    if (next === text) return undefined;
    tree.write(path, next);
    return { description: `changed a workflow rule of ${posix.basename(path)}`, paths: [path] };
  },
  sharing: (tree, rng) => {
    const path = tree.pick('sharing', rng);
    if (!path) return undefined;
    const text = tree.read(path);
    const next = replaceOne(text, /<accessLevel>(Read|Edit)<\/accessLevel>/g, rng, (m) => `<accessLevel>${m[1] === 'Read' ? 'Edit' : 'Read'}</accessLevel>`);
    if (next === text) return undefined;
    tree.write(path, next);
    return { description: `changed a sharing rule of ${posix.basename(path)}`, paths: [path] };
  },
  translation: (tree, rng) => {
    const fieldLevel = rng.chance(0.6);
    const path = tree.pick(fieldLevel ? 'fieldTranslation' : 'translation', rng);
    if (!path) return undefined;
    const words = /-ja\/|\/ja\.translation/.test(path) ? JA_WORDS : ZH_WORDS;
    const text = tree.read(path);
    const label = Array.from({ length: rng.int(1, 4) }, () => rng.pick(words)).join('');
    const next = replaceOne(text, /<label>(.*)<\/label>/g, rng, (m) => (m[1] === label ? `<label>${label}${words[0]}</label>` : `<label>${label}</label>`));
    if (next === text) return undefined;
    tree.write(path, next);
    return { description: `changed a translation in ${posix.basename(path)}`, paths: [path] };
  },
  'validation-rule': (tree, rng) => {
    const path = tree.pick('validationRule', rng);
    if (!path) return undefined;
    const text = tree.read(path);
    const next = rng.chance(0.5)
      ? text.replace(/<active>(true|false)<\/active>/, (_, value: string) => `<active>${value === 'true' ? 'false' : 'true'}</active>`)
      : text.replace(/<errorMessage>(.*)<\/errorMessage>/, `<errorMessage>${sentence(Array.from({ length: rng.int(3, 9) }, () => rng.pick(LABEL_WORDS)))}</errorMessage>`);
    if (next === text) return undefined;
    tree.write(path, next);
    return { description: `changed validation rule ${posix.basename(path)}`, paths: [path] };
  },
  lwc: (tree, rng) => {
    const path = tree.pick('lwcHtml', rng);
    if (!path) return undefined;
    const text = tree.read(path);
    const next = text.replace('    </lightning-card>', `        <p class="slds-p-around_small">${sentence(Array.from({ length: rng.int(2, 6) }, () => rng.pick(LABEL_WORDS)))}</p>\n    </lightning-card>`);
    if (next === text) return undefined;
    tree.write(path, next);
    return { description: `edited LWC ${posix.basename(posix.dirname(path))}`, paths: [path] };
  },
};

function flipPermission(tree: WorkingTree, rng: Rng, category: 'profile' | 'permset'): Applied {
  const path = tree.pick(category, rng);
  if (!path) return undefined;
  const text = tree.read(path);
  const pattern = /<(editable|allowCreate|allowDelete|allowEdit|viewAllRecords|enabled|visible)>(true|false)<\/\1>|<visibility>(DefaultOn|DefaultOff|Hidden)<\/visibility>/g;
  const found = findFrom(text, pattern, rng.int(0, text.length));
  if (!found) return undefined;
  const replacement = found[1] ? `<${found[1]}>${found[2] === 'true' ? 'false' : 'true'}</${found[1]}>` : `<visibility>${found[3] === 'Hidden' ? 'DefaultOn' : 'Hidden'}</visibility>`;
  tree.write(path, splice(text, found.index, found[0].length, replacement));
  return { description: `flipped ${found[1] ?? 'visibility'} in ${posix.basename(path)}`, paths: [path] };
}

/** The first match at or after `from`, wrapping around to the start. */
function findFrom(text: string, pattern: RegExp, from: number): RegExpExecArray | undefined {
  // A copy: the search position of the caller's RegExp stays as it was.
  const search = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  search.lastIndex = from;
  const match = search.exec(text);
  if (match) return match;
  search.lastIndex = 0;
  return search.exec(text) ?? undefined;
}

function replaceOne(text: string, pattern: RegExp, rng: Rng, replace: (match: RegExpExecArray) => string): string {
  const found = findFrom(text, pattern, rng.int(0, text.length));
  return found ? splice(text, found.index, found[0].length, replace(found)) : text;
}

function splice(text: string, at: number, length: number, insert: string): string {
  return text.slice(0, at) + insert + text.slice(at + length);
}

function fieldName(path: string): string {
  return `${posix.basename(posix.dirname(posix.dirname(path)))}.${posix.basename(path).replace(/\.field-meta\.xml$/, '')}`;
}

function apiVersionOf(tree: WorkingTree, classesDir: string): string {
  const sibling = tree.below(classesDir).find((path) => path.endsWith('.cls-meta.xml'));
  return (sibling && /<apiVersion>(.*)<\/apiVersion>/.exec(tree.read(sibling))?.[1]) ?? '62.0';
}

/**
 * The tree as mutations see it: disk plus pending writes and removals, written once at the end. Lists are sorted so
 * that a seed picks the same files on every machine.
 */
class WorkingTree {
  public readonly touched = new Set<string>();
  public readonly initialCount: number;
  private readonly initial: Set<string>;
  private readonly current: Set<string>;
  private readonly pending = new Map<string, string | null>();
  private readonly cache = new Map<string, string>();
  private readonly moves: Array<{ from: string; to: string }> = [];
  /** Current paths, sorted; kept sorted as files come and go (re-sorting 50,000 paths per edit is what made big runs slow). */
  private readonly sorted: string[];
  private readonly byCategory = new Map<Category, string[]>();

  public constructor(private readonly root: string) {
    const files = listTree(root);
    this.initial = new Set(files);
    this.current = new Set(files);
    this.sorted = files;
    this.initialCount = files.length;
  }

  public allPaths(): readonly string[] {
    return this.sorted;
  }

  public list(category: Category): readonly string[] {
    let list = this.byCategory.get(category);
    if (!list) {
      list = this.sorted.filter((path) => PATTERNS[category].test(`/${path}`));
      this.byCategory.set(category, list);
    }
    return list;
  }

  /** Files below a folder (`dir/`), from the sorted list. */
  public below(dir: string): string[] {
    const prefix = `${dir}/`;
    const files: string[] = [];
    for (let i = lowerBound(this.sorted, prefix); i < this.sorted.length && this.sorted[i].startsWith(prefix); i++) files.push(this.sorted[i]);
    return files;
  }

  public pick(category: Category, rng: Rng): string | undefined {
    const list = this.list(category);
    return list.length ? rng.pick(list) : undefined;
  }

  public exists(path: string): boolean {
    return this.current.has(path);
  }

  public read(path: string): string {
    const pending = this.pending.get(path);
    if (typeof pending === 'string') return pending;
    if (pending === null) throw new Error(`mutateOrg: ${path} was removed`);
    let text = this.cache.get(path);
    if (text === undefined) {
      text = readFileSync(join(this.root, path), 'utf8');
      this.cache.set(path, text);
    }
    return text;
  }

  public write(path: string, text: string): void {
    if (!this.current.has(path)) this.changedListing(path, true);
    this.pending.set(path, text);
    this.touched.add(path);
  }

  public remove(path: string): void {
    if (this.current.has(path)) this.changedListing(path, false);
    this.pending.set(path, null);
    this.touched.add(path);
  }

  public renamed(from: string, to: string): void {
    this.moves.push({ from, to });
  }

  /** Writes the pending changes and reports exactly what differs from the tree as it was. */
  public commit(filesBefore: number, target: number, mutations: Mutation[]): MutationReport {
    const added: string[] = [];
    const modified: string[] = [];
    const deleted: string[] = [];
    for (const [path, text] of [...this.pending.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const absolute = join(this.root, path);
      const existed = this.initial.has(path);
      if (text === null) {
        if (existed) {
          rmSync(absolute, { force: true });
          pruneEmptyDirs(dirname(absolute), this.root);
          deleted.push(path);
        }
        continue;
      }
      if (existed) {
        const before = this.cache.get(path) ?? readFileSync(absolute, 'utf8');
        if (before === text) continue;
        modified.push(path);
      } else {
        added.push(path);
      }
      mkdirSync(dirname(absolute), { recursive: true });
      writeFileSync(absolute, text);
    }
    const addedSet = new Set(added);
    const deletedSet = new Set(deleted);
    const renamed = this.moves.filter(({ from, to }) => deletedSet.has(from) && addedSet.has(to));
    return { filesBefore, filesAfter: this.current.size, target, added, modified, deleted, renamed, mutations };
  }

  private changedListing(path: string, exists: boolean): void {
    if (exists) this.current.add(path);
    else this.current.delete(path);
    const lists: string[][] = [this.sorted];
    for (const [category, list] of this.byCategory) if (PATTERNS[category].test(`/${path}`)) lists.push(list);
    for (const list of lists) {
      const at = lowerBound(list, path);
      if (exists && list[at] !== path) list.splice(at, 0, path);
      if (!exists && list[at] === path) list.splice(at, 1);
    }
  }
}

/** First index whose value is ≥ `value` (code-point order, as Array.prototype.sort). */
function lowerBound(list: readonly string[], value: string): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Every file below root (relative, `/` separators), sorted; skips .git and tool folders. */
export function listTree(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      } else if (entry.isFile()) {
        files.push(`${prefix}${entry.name}`);
      }
    }
  };
  if (existsSync(root)) walk(root, '');
  return files.sort();
}

function pruneEmptyDirs(dir: string, root: string): void {
  let current = dir;
  while (current.startsWith(root) && current !== root) {
    try {
      if (readdirSync(current).length) return;
      rmdirSync(current);
    } catch {
      return;
    }
    current = dirname(current);
  }
}
