/*
 * The emulated org's metadata: one folder in Metadata API (mdapi) format. The store answers what the Metadata API
 * answers from it — describe, list, retrieve (a zip rooted at unpackaged/) — and applies deployments to it.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, sep } from 'node:path';
import { ComponentSet, MetadataConverter, RegistryAccess, type MetadataType, type SourceComponent } from '@salesforce/source-deploy-retrieve';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import JSZip from 'jszip';
import { sourcePathsOf } from './project-paths.js';

export type StoredComponent = {
  readonly type: string;
  readonly fullName: string;
  /** Paths relative to the store root, posix. */
  readonly files: readonly string[];
  /** Absolute path of the metadata XML, when there is one. */
  readonly xml?: string;
};

export type RetrieveAnswer = {
  readonly zip: Buffer;
  readonly fileProperties: ReadonlyArray<Record<string, string>>;
  readonly messages: ReadonlyArray<{ fileName: string; problem: string }>;
};

export type DeployFailureRule = { type?: string; fullName?: string; problem?: string; line?: number; column?: number };

export type DeployOutcome = {
  readonly status: 'Succeeded' | 'SucceededPartial' | 'Failed';
  readonly successes: Array<Record<string, unknown>>;
  readonly failures: Array<Record<string, unknown>>;
  readonly total: number;
  readonly deployed: number;
  readonly errorMessage?: string;
};

const registry = new RegistryAccess();
const toPosix = (path: string): string => path.split(sep).join('/');
let idCounter = 0;
/** A fake 18-character Salesforce-looking id with the given key prefix. */
export function fakeId(prefix: string): string {
  idCounter++;
  return `${prefix}${'0'.repeat(3)}${String(idCounter).padStart(9, '0')}AAA`.slice(0, 18);
}

/** Top-level registry types, as a describeMetadata answer lists them. */
export function describedTypes(refused: ReadonlySet<string>): MetadataType[] {
  const all = Object.values(registry.getRegistry().types);
  const childTypeNames = new Set(all.flatMap((type) => Object.values(type.children?.types ?? {}).map((child) => child.name)));
  return all.filter((type) => !childTypeNames.has(type.name) && !type.folderContentType && !refused.has(type.name) && type.isAddressable !== false);
}

export function typeByName(name: string): MetadataType | undefined {
  try {
    return registry.getTypeByName(name);
  } catch {
    return undefined;
  }
}

export class MetadataStore {
  private index?: StoredComponent[];

  private constructor(public readonly root: string) {}

  /** A store over a private copy of a metadata-format folder (deployments change the copy, never the fixture). */
  public static fromMetadataDir(dir: string): MetadataStore {
    const root = mkdtempSync(join(tmpdir(), 'sf-federate-emulator-'));
    cpSync(dir, root, { recursive: true });
    return new MetadataStore(root);
  }

  /**
   * A store built by converting a source-format folder with SDR's MetadataConverter: a project's package directories
   * (read with its registry settings and .forceignore, as sf deploys them), or a bare folder as a whole.
   */
  public static async fromSourceDir(dir: string): Promise<MetadataStore> {
    const { fsPaths, projectDir } = await sourcePathsOf(dir);
    const sourceRegistry = projectDir ? new RegistryAccess(undefined, projectDir) : registry;
    const root = mkdtempSync(join(tmpdir(), 'sf-federate-emulator-'));
    const set = ComponentSet.fromSource({ fsPaths: [...fsPaths], registry: sourceRegistry });
    await new MetadataConverter(sourceRegistry).convert(set, 'metadata', { type: 'directory', outputDirectory: root, genUniqueDir: false });
    return new MetadataStore(root);
  }

  public static empty(): MetadataStore {
    return new MetadataStore(mkdtempSync(join(tmpdir(), 'sf-federate-emulator-')));
  }

  public dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  public components(): StoredComponent[] {
    if (!this.index) {
      const found: StoredComponent[] = [];
      const set = existsSync(this.root) ? ComponentSet.fromSource({ fsPaths: [this.root], registry }) : new ComponentSet();
      for (const component of set.getSourceComponents()) {
        const files = [...(component.xml ? [component.xml] : []), ...safeWalk(component)].map((path) => toPosix(relative(this.root, path)));
        found.push({ type: component.type.name, fullName: component.fullName, files: [...new Set(files)].filter((f) => !f.endsWith('package.xml')), xml: component.xml });
      }
      this.index = found;
    }
    return this.index;
  }

  /** listMetadata for one query. */
  public list(type: string, folder?: string): StoredComponent[] {
    const all = this.components().filter((component) => component.type === type);
    const meta = typeByName(type);
    if (meta?.folderType && !meta.folderContentType) {
      // Types in folders are listed per folder only.
      if (!folder) return [];
      return all.filter((component) => component.fullName.startsWith(`${folder}/`));
    }
    return all;
  }

  /** Builds the retrieve answer for a package (type → members, `*` allowed where the real API allows it). */
  public async retrieve(types: ReadonlyArray<{ name: string; members: readonly string[] }>, apiVersion: string): Promise<RetrieveAnswer> {
    const zip = new JSZip();
    const fileProperties: Array<Record<string, string>> = [];
    const messages: Array<{ fileName: string; problem: string }> = [];
    const included = new Map<string, Set<string>>();
    const addFile = (path: string, bytes: Buffer | string): void => {
      zip.file(`unpackaged/${path}`, bytes);
    };
    const record = (component: StoredComponent, fileName: string): void => {
      const members = included.get(component.type) ?? new Set<string>();
      members.add(component.fullName);
      included.set(component.type, members);
      fileProperties.push(fileProperty(component.type, component.fullName, fileName));
    };
    const childExtracts = new Map<string, Map<string, string[]>>(); // parent file → element → child names

    for (const { name, members } of types) {
      const meta = typeByName(name);
      if (!meta) {
        messages.push({ fileName: 'unpackaged/package.xml', problem: `Entity type: '${name}' is unknown` });
        continue;
      }
      const parent = parentOf(name);
      for (const member of members) {
        if (parent) {
          const found = this.extractChildren(name, meta, parent, member, childExtracts, fileProperties);
          if (!found && member !== '*') messages.push(missing(name, member));
          continue;
        }
        const chosen = this.chosenFor(name, meta, member);
        if (member !== '*' && chosen.length === 0) messages.push(missing(name, member));
        for (const component of chosen) {
          if (included.get(component.type)?.has(component.fullName)) continue;
          for (const file of component.files) addFile(file, readFileSync(join(this.root, file)));
          record(component, component.files[0] ?? `${meta.directoryName}/${component.fullName}`);
        }
      }
    }
    for (const [file, byElement] of childExtracts) {
      if (zip.file(`unpackaged/${file}`)) continue; // the whole parent is in the zip already
      addFile(file, keepOnlyChildren(readFileSync(join(this.root, file), 'utf8'), byElement));
    }
    const packageTypes = [...types].map(({ name, members }) => ({ name, members: [...members] }));
    zip.file('unpackaged/package.xml', packageXml(packageTypes, apiVersion));
    const buffer = await zip.generateAsync({ type: 'nodebuffer' });
    return { zip: buffer, fileProperties, messages };
  }

  /**
   * Applies (or, for checkOnly, only checks) a deployment zip: package.xml at its root (or one folder down), optional
   * destructiveChanges.xml / destructiveChangesPre.xml / destructiveChangesPost.xml.
   */
  public async deploy(
    zipBytes: Buffer,
    options: { checkOnly: boolean; rollbackOnError: boolean },
    failures: readonly DeployFailureRule[]
  ): Promise<DeployOutcome> {
    const zip = await JSZip.loadAsync(zipBytes);
    const names = Object.keys(zip.files).filter((name) => !zip.files[name].dir);
    const manifest = names.find((name) => posix.basename(name) === 'package.xml' && name.split('/').length <= 2);
    if (!manifest) {
      return { status: 'Failed', successes: [], failures: [], total: 0, deployed: 0, errorMessage: 'No package.xml found' };
    }
    const base = posix.dirname(manifest) === '.' ? '' : `${posix.dirname(manifest)}/`;
    const staging = mkdtempSync(join(tmpdir(), 'sf-federate-emulator-deploy-'));
    try {
      await unzipInto(zip, names, base, staging);
      const destructive = (file: string): Array<{ type: string; fullName: string }> =>
        existsSync(join(staging, file)) ? manifestMembers(readFileSync(join(staging, file), 'utf8')) : [];
      const pre = [...destructive('destructiveChangesPre.xml'), ...destructive('destructiveChanges.xml')];
      const post = destructive('destructiveChangesPost.xml');
      for (const file of ['package.xml', 'destructiveChanges.xml', 'destructiveChangesPre.xml', 'destructiveChangesPost.xml']) {
        rmSync(join(staging, file), { force: true });
      }
      const incoming = existsSync(staging) ? ComponentSet.fromSource({ fsPaths: [staging], registry }).getSourceComponents().toArray() : [];
      const successes: Array<Record<string, unknown>> = [];
      const failed: Array<Record<string, unknown>> = [];
      const applied: SourceComponent[] = [];
      const now = new Date().toISOString();
      const existing = new Set(this.components().map((c) => `${c.type}:${c.fullName}`));
      for (const component of incoming) {
        const fileName = toPosix(relative(staging, component.xml ?? safeWalk(component)[0] ?? staging));
        const failure = checkComponent(component) ?? failures.find((rule) => matchesRule(rule, component.type.name, component.fullName));
        if (failure) {
          failed.push(failureMessage(component, failure, `${base}${fileName}`, now));
        } else {
          const created = !existing.has(`${component.type.name}:${component.fullName}`);
          successes.push({
            changed: !created,
            created,
            deleted: false,
            success: true,
            componentType: component.type.name,
            fullName: component.fullName,
            fileName: `${base}${fileName}`,
            id: fakeId('01p'),
            createdDate: now,
          });
          applied.push(component);
        }
      }
      const deletions = [...pre, ...post];
      for (const { type, fullName } of deletions) {
        const found = existing.has(`${type}:${fullName}`);
        if (found) {
          successes.push({ changed: false, created: false, deleted: true, success: true, componentType: type, fullName, fileName: `${base}destructiveChanges.xml`, id: fakeId('01p'), createdDate: now });
        } else {
          // The real API reports a warning, not a failure, for a missing component to delete.
          successes.push({ changed: false, created: false, deleted: false, success: true, componentType: type, fullName, fileName: `${base}destructiveChanges.xml`, problem: `No ${type} named: ${fullName} found`, problemType: 'Warning', createdDate: now });
        }
      }
      successes.push({ changed: true, created: false, deleted: false, success: true, componentType: '', fullName: 'package.xml', fileName: `${base}package.xml`, createdDate: now });
      const total = incoming.length + deletions.length;
      const status = failed.length === 0 ? 'Succeeded' : options.rollbackOnError || applied.length === 0 ? 'Failed' : 'SucceededPartial';
      if (!options.checkOnly && status !== 'Failed') this.apply(pre, applied, post, staging);
      const deployed = status === 'Failed' ? 0 : applied.length + deletions.length;
      return { status, successes: status === 'Failed' ? [] : successes, failures: failed, total, deployed };
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }

  /** Stores a deployment: pre-deletions, then the components (their files copied from the staging folder), then post-deletions. */
  private apply(
    pre: ReadonlyArray<{ type: string; fullName: string }>,
    applied: readonly SourceComponent[],
    post: ReadonlyArray<{ type: string; fullName: string }>,
    staging: string
  ): void {
    for (const component of pre) this.remove(component.type, component.fullName);
    for (const component of applied) {
      for (const file of [...(component.xml ? [component.xml] : []), ...safeWalk(component)]) {
        const target = join(this.root, relative(staging, file));
        mkdirSync(dirname(target), { recursive: true });
        cpSync(file, target);
      }
    }
    for (const component of post) this.remove(component.type, component.fullName);
    if (!existsSync(join(this.root, 'package.xml'))) writeFileSync(join(this.root, 'package.xml'), packageXml([], '62.0'));
    this.index = undefined;
  }

  /**
   * A child type (CustomField, CustomLabel…) is retrieved as the parent's file holding only the asked children: records
   * them in `childExtracts` (parent file → element → child names). Returns whether any child matched.
   */
  private extractChildren(
    name: string,
    meta: MetadataType,
    parent: MetadataType,
    member: string,
    childExtracts: Map<string, Map<string, string[]>>,
    fileProperties: Array<Record<string, string>>
  ): boolean {
    const stored = this.components().filter((c) => c.type === parent.name);
    const matches = member === '*' ? stored : stored.filter((c) => c.fullName === parentName(parent, member));
    let found = false;
    for (const component of matches) {
      const xml = component.xml ? readFileSync(component.xml, 'utf8') : '';
      const element = childElement(meta);
      const names = childNames(xml, element).filter((child) => member === '*' || child === childName(parent, member));
      if (names.length === 0) continue;
      found = true;
      const file = component.files[0];
      const byElement = childExtracts.get(file) ?? new Map<string, string[]>();
      byElement.set(element, [...(byElement.get(element) ?? []), ...names]);
      childExtracts.set(file, byElement);
      for (const child of names) {
        fileProperties.push(fileProperty(name, parent.name === 'CustomLabels' ? child : `${component.fullName}.${child}`, file));
      }
    }
    return found;
  }

  /** The stored components a package member of a (non-child) type names. */
  private chosenFor(name: string, meta: MetadataType, member: string): StoredComponent[] {
    if (member === '*') {
      // The real API's wildcard leaves out standard objects and components in folders.
      if (meta.folderType && !meta.folderContentType) return [];
      return this.components().filter((c) => c.type === name && (name !== 'CustomObject' || c.fullName.includes('__')));
    }
    if (meta.folderType && !meta.folderContentType && (member.endsWith('/') || !member.includes('/'))) {
      // A folder is asked for under its content type (Report), as `Sales/` (SDR) or `Sales`.
      const folderType = typeByName(meta.folderType)?.name;
      const folderName = member.replace(/\/$/, '');
      return this.components().filter((c) => c.type === folderType && c.fullName === folderName);
    }
    return this.components().filter((c) => c.type === name && c.fullName === member);
  }

  private remove(type: string, fullName: string): void {
    const component = this.components().find((c) => c.type === type && c.fullName === fullName);
    if (!component) return;
    for (const file of component.files) rmSync(join(this.root, file), { force: true, recursive: true });
  }
}

function safeWalk(component: SourceComponent): string[] {
  try {
    return component.walkContent();
  } catch {
    return [];
  }
}

function parentOf(typeName: string): MetadataType | undefined {
  const all = Object.values(registry.getRegistry().types);
  return all.find((type) => Object.values(type.children?.types ?? {}).some((child) => child.name === typeName));
}

function parentName(parent: MetadataType, member: string): string {
  return parent.name === 'CustomLabels' ? 'CustomLabels' : member.split('.')[0];
}

function childName(parent: MetadataType, member: string): string {
  return parent.name === 'CustomLabels' ? member : member.split('.').slice(1).join('.');
}

function childElement(child: MetadataType): string {
  return child.xmlElementName ?? child.directoryName;
}

const CHILD_BLOCK = (element: string): RegExp => new RegExp(`<${element}>([\\s\\S]*?)</${element}>`, 'g');

function childNames(xml: string, element: string): string[] {
  const names: string[] = [];
  for (const match of xml.matchAll(CHILD_BLOCK(element))) {
    const name = /<fullName>([^<]*)<\/fullName>/.exec(match[1]);
    if (name) names.push(name[1]);
  }
  return names;
}

/** The parent's XML with every child block removed except the asked ones. */
function keepOnlyChildren(xml: string, keep: ReadonlyMap<string, readonly string[]>): string {
  const open = /^([\s\S]*?<[A-Za-z]+ xmlns="[^"]*">)/.exec(xml)?.[1] ?? '<?xml version="1.0" encoding="UTF-8"?>\n<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">';
  const root = /<([A-Za-z]+) xmlns=/.exec(open)?.[1] ?? 'CustomObject';
  const blocks: string[] = [];
  for (const [element, names] of keep) {
    for (const match of xml.matchAll(CHILD_BLOCK(element))) {
      const name = /<fullName>([^<]*)<\/fullName>/.exec(match[1])?.[1];
      if (name && names.includes(name)) blocks.push(`    ${match[0]}`);
    }
  }
  return `${open}\n${blocks.join('\n')}\n</${root}>\n`;
}

function missing(type: string, member: string): { fileName: string; problem: string } {
  return { fileName: 'unpackaged/package.xml', problem: `Entity of type '${type}' named '${member}' cannot be found` };
}

function fileProperty(type: string, fullName: string, fileName: string): Record<string, string> {
  const now = new Date().toISOString();
  return {
    createdById: '005000000000001AAA',
    createdByName: 'Emulated User',
    createdDate: now,
    fileName: `unpackaged/${fileName}`,
    fullName,
    id: fakeId('01p'),
    lastModifiedById: '005000000000001AAA',
    lastModifiedByName: 'Emulated User',
    lastModifiedDate: now,
    manageableState: 'unmanaged',
    type,
  };
}

/** A listMetadata FileProperties record (fileName relative to the org, no unpackaged/). */
export function listProperty(component: StoredComponent): Record<string, string> {
  const record = fileProperty(component.type, component.fullName, component.files[0] ?? component.fullName);
  return { ...record, fileName: record.fileName.replace(/^unpackaged\//, '') };
}

export function packageXml(types: ReadonlyArray<{ name: string; members: readonly string[] }>, version: string): string {
  const body = types
    .map(({ name, members }) => `    <types>\n${members.map((m) => `        <members>${escapeXml(m)}</members>\n`).join('')}        <name>${name}</name>\n    </types>\n`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="http://soap.sforce.com/2006/04/metadata">\n${body}    <version>${version}</version>\n</Package>\n`;
}

const manifestParser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, isArray: (name: string): boolean => name === 'types' || name === 'members' });

export function manifestMembers(xml: string): Array<{ type: string; fullName: string }> {
  const parsed = manifestParser.parse(xml) as { Package?: { types?: Array<{ name: string; members?: string[] }> } };
  return (parsed.Package?.types ?? []).flatMap((t) => (t.members ?? []).map((fullName) => ({ type: t.name, fullName: String(fullName) })));
}

/** Malformed XML fails like the real API would: with the line and column of the problem. */
/** Writes the zip's files below `base` (package.xml's folder) into the staging folder; entries escaping it are skipped. */
async function unzipInto(zip: JSZip, names: readonly string[], base: string, staging: string): Promise<void> {
  for (const name of names) {
    if (!name.startsWith(base)) continue;
    const rel = name.slice(base.length);
    if (rel.startsWith('..') || posix.isAbsolute(rel)) continue;
    const target = join(staging, rel);
    mkdirSync(dirname(target), { recursive: true });
    // eslint-disable-next-line no-await-in-loop -- one entry in memory at a time
    writeFileSync(target, await zip.files[name].async('nodebuffer'));
  }
}

/** The deploy message of a component that fails (the rule's problem and position, or a generic one at 1:1). */
function failureMessage(component: SourceComponent, failure: DeployFailureRule, fileName: string, now: string): Record<string, unknown> {
  return {
    changed: false,
    created: false,
    deleted: false,
    success: false,
    componentType: component.type.name,
    fullName: component.fullName,
    fileName,
    problem: failure.problem ?? `${component.type.name} ${component.fullName}: failed to deploy`,
    problemType: 'Error',
    lineNumber: failure.line ?? 1,
    columnNumber: failure.column ?? 1,
    createdDate: now,
  };
}

function checkComponent(component: SourceComponent): DeployFailureRule | undefined {
  for (const file of [...(component.xml ? [component.xml] : []), ...safeWalk(component)]) {
    if (!file.endsWith('.xml') && !file.endsWith('-meta.xml') && !/\.(object|labels|profile|permissionset|layout|workflow|flow|app|tab)$/.test(file)) continue;
    const result = XMLValidator.validate(readFileSync(file, 'utf8'));
    if (result !== true) {
      return { problem: `Error parsing file: ${result.err.msg}`, line: result.err.line, column: result.err.col };
    }
  }
  return undefined;
}

function matchesRule(rule: DeployFailureRule, type: string, fullName: string): boolean {
  return (!rule.type || rule.type === type) && (!rule.fullName || rule.fullName === fullName);
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
