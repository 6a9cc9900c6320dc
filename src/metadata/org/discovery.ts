/*
 * What an org holds: describeMetadata for the types it supports, listMetadata per type for the members, then a plan of
 * retrieve batches (wildcards where the type allows them, explicit members where it does not) that keeps every
 * batch under the Metadata API's 10,000-files limit.
 */
import { readFileSync } from 'node:fs';
import type { Connection } from '@salesforce/core';
import type { MetadataType, RegistryAccess } from '@salesforce/source-deploy-retrieve';
import { XMLParser } from '../fast-xml-parser.js';
import { ExitCode } from '../../exit-codes.js';
import { mapLimit } from '../snapshot.js';
import type { ProgressListener } from '../types.js';
import { orgMessages as messages } from './messages.js';
import { errorText, isSessionError, isTransientError } from './redact.js';

/** `TYPE` (every member) or `TYPE:NAME`. */
export type MetadataFilter = { readonly type: string; readonly name?: string };

/** One type's share of a retrieve: `*` and/or explicit members (folders are listed under their folder type). */
export type RetrieveEntry = { readonly type: string; readonly members: readonly string[]; readonly weight: number };

export type RetrievePlan = {
  readonly batches: ReadonlyArray<readonly RetrieveEntry[]>;
  readonly components: number;
  readonly warnings: readonly string[];
};

export type DiscoveryOptions = {
  readonly apiVersion: string;
  readonly registry: RegistryAccess;
  readonly orgName: string;
  readonly filters?: readonly MetadataFilter[];
  readonly maxFilesPerRetrieve: number;
  readonly listConcurrency: number;
  readonly onProgress?: ProgressListener;
  /** Called for listMetadata failures worth another try; returns the listing or throws. */
  readonly withRetry: <T>(what: string, fn: () => Promise<T>) => Promise<T>;
};

type FileProperties = { fullName: string; type?: string; namespacePrefix?: string; manageableState?: string };

/** Types whose wildcard the Metadata API does not accept. */
const NO_WILDCARD = new Set(['StandardValueSet']);

/** Parses `--metadata` values. */
export function parseFilters(values: readonly string[], registry: RegistryAccess): MetadataFilter[] {
  return values.map((value) => {
    const index = value.indexOf(':');
    const type = index < 0 ? value.trim() : value.slice(0, index).trim();
    const name = index < 0 ? undefined : value.slice(index + 1).trim();
    const known = typeOf(registry, type);
    if (!known || known.name !== type || name === '') throw messages.createError('error.MetadataFilter', [value], [], ExitCode.BadInput);
    return name && name !== '*' ? { type, name } : { type };
  });
}

/** Reads a package.xml into filters (`*` → the whole type). */
export function manifestFilters(path: string, registry: RegistryAccess): MetadataFilter[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw messages.createError('error.ManifestUnreadable', [path, errorText(error)], [], ExitCode.BadInput);
  }
  const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, isArray: (name) => name === 'types' || name === 'members' });
  let parsed: { Package?: { types?: Array<{ name?: string; members?: string[] }> } };
  try {
    parsed = parser.parse(text) as typeof parsed;
  } catch (error) {
    throw messages.createError('error.ManifestUnreadable', [path, errorText(error)], [], ExitCode.BadInput);
  }
  if (!parsed.Package) throw messages.createError('error.ManifestUnreadable', [path, 'no <Package> element'], [], ExitCode.BadInput);
  const values: string[] = [];
  for (const entry of parsed.Package.types ?? []) {
    if (!entry.name) continue;
    for (const member of entry.members ?? []) values.push(member === '*' ? entry.name : `${entry.name}:${member}`);
  }
  return parseFilters(values, registry);
}

function typeOf(registry: RegistryAccess, name: string): MetadataType | undefined {
  try {
    return registry.getTypeByName(name);
  } catch {
    return undefined;
  }
}

/** Files one component of a type is expected to bring, to keep batches under the files limit. */
export function filesPerComponent(type: MetadataType | undefined): number {
  if (!type) return 1;
  if (type.name === 'CustomObject') return 10;
  const adapter = type.strategies?.adapter;
  if (adapter === 'bundle' || adapter === 'digitalExperience') return 6;
  if (adapter === 'matchingContentFile' || adapter === 'mixedContent') return 2;
  return 1;
}

export async function planRetrieve(connection: Connection, options: DiscoveryOptions): Promise<RetrievePlan> {
  const { registry, apiVersion, orgName, onProgress } = options;
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    onProgress?.({ kind: 'warning', message });
  };

  onProgress?.({ kind: 'phase', message: messages.getMessage('progress.Discovering', [orgName]) });
  const described = await options.withRetry('describeMetadata', () => connection.metadata.describe(apiVersion));
  const supported = new Set<string>();
  for (const object of described.metadataObjects ?? []) {
    supported.add(object.xmlName);
    for (const child of ensureArray(object.childXmlNames)) supported.add(child);
  }
  const isSupported = (type: MetadataType): boolean => {
    if (supported.has(type.name)) return true;
    // Folder types (ReportFolder) are described through their content type (Report).
    const content = type.folderContentType ? typeOf(registry, type.folderContentType) : undefined;
    return content !== undefined && supported.has(content.name);
  };

  const { toList, explicit } = whatToList(described.metadataObjects ?? [], options, isSupported, warn);

  // listMetadata takes up to 3 queries per call. A refused type fails the whole call (which is why SDR's
  // ConnectionResolver asks one type per call): here a failed group is asked again one type at a time.
  let done = 0;
  const folderTypes = toList.filter((type) => type.folderType && !type.folderContentType);
  const plainTypes = toList.filter((type) => !(type.folderType && !type.folderContentType));
  const groups: MetadataType[][] = [];
  for (let i = 0; i < plainTypes.length; i += 3) groups.push(plainTypes.slice(i, i + 3));
  const tick = (count: number): void => {
    done += count;
    onProgress?.({ kind: 'count', message: messages.getMessage('progress.TypesListed'), done, total: toList.length });
  };
  const grouped = await mapLimit(groups, options.listConcurrency, async (group) => {
    const listed = await listGroup(connection, group, options);
    const result = listed ?? (await Promise.all(group.map(async (type) => [type, await listType(connection, type, options, warn)] as const)));
    tick(group.length);
    return result;
  });
  const inFolders = await mapLimit(folderTypes, options.listConcurrency, async (type) => {
    const listing = await listType(connection, type, options, warn);
    tick(1);
    return [type, listing] as const;
  });
  const listings = [...grouped.flat(), ...inFolders];

  const entries: RetrieveEntry[] = [];
  const addExplicit = (typeName: string, members: Iterable<string>): void => {
    const list = [...members].sort();
    if (list.length) entries.push({ type: typeName, members: list, weight: list.length * filesPerComponent(typeOf(registry, typeName)) });
  };
  for (const [type, listing] of listings) {
    if (!listing) continue;
    const per = filesPerComponent(type);
    for (const [folderType, folders] of listing.folders) addExplicit(folderType, folders);
    const members = listing.members;
    if (members.length === 0) continue;
    const wildcardable = !type.folderType && !type.folderContentType && !NO_WILDCARD.has(type.name);
    // The wildcard leaves out standard objects and installed (managed) components: those are named.
    const missedByWildcard = members.filter((m) => (type.name === 'CustomObject' && !m.fullName.includes('__')) || Boolean(m.namespacePrefix) || m.manageableState === 'installed');
    const weight = members.length * per;
    if (wildcardable && weight <= options.maxFilesPerRetrieve && (missedByWildcard.length === 0 || type.supportsWildcardAndName)) {
      entries.push({ type: type.name, members: ['*', ...missedByWildcard.map((m) => m.fullName).sort()], weight });
    } else {
      addExplicit(type.name, members.map((m) => m.fullName));
    }
  }
  for (const [typeName, members] of explicit) addExplicit(typeName, members);

  const components = entries.reduce((sum, entry) => sum + Math.round(entry.weight / filesPerComponent(typeOf(registry, entry.type))), 0);
  return { batches: packBatches(entries, options.maxFilesPerRetrieve), components, warnings };
}

type Listing = { members: FileProperties[]; folders: Map<string, string[]> };

/** The types to list, and the members asked by name (TYPE:NAME), from the filters or from the org's description. */
function whatToList(
  metadataObjects: ReadonlyArray<{ xmlName: string }>,
  options: DiscoveryOptions,
  isSupported: (type: MetadataType) => boolean,
  warn: (message: string) => void
): { toList: MetadataType[]; explicit: Map<string, Set<string>> } {
  const { registry, orgName } = options;
  const explicit = new Map<string, Set<string>>();
  if (!options.filters?.length) {
    const childNames = new Set(Object.values(registry.getRegistry().types).flatMap((t) => Object.values(t.children?.types ?? {}).map((c) => c.name)));
    const toList: MetadataType[] = [];
    for (const object of metadataObjects) {
      const type = typeOf(registry, object.xmlName);
      if (type && !childNames.has(type.name) && type.isAddressable !== false) toList.push(type);
    }
    return { toList, explicit };
  }
  const listed = new Map<string, MetadataType>();
  const refused = new Set<string>();
  for (const filter of options.filters) {
    const type = typeOf(registry, filter.type)!;
    if (!isSupported(type)) {
      if (!refused.has(type.name)) warn(messages.getMessage('warning.RefusedType', [orgName, type.name]));
      refused.add(type.name);
    } else if (filter.name) {
      const members = explicit.get(type.name) ?? new Set<string>();
      members.add(filter.name);
      explicit.set(type.name, members);
    } else {
      listed.set(type.name, type);
    }
  }
  return { toList: [...listed.values()], explicit };
}

/** Lists up to 3 types in one call; undefined when the call failed (or answered ambiguously) for a non-transient reason. */
async function listGroup(connection: Connection, group: readonly MetadataType[], options: DiscoveryOptions): Promise<Array<readonly [MetadataType, Listing]> | undefined> {
  if (group.length < 2) return undefined;
  let properties: FileProperties[];
  try {
    const result = await options.withRetry('listMetadata', () => connection.metadata.list(group.map((type) => ({ type: type.name })), options.apiVersion));
    properties = ensureArray(result as FileProperties | FileProperties[] | undefined).filter((p) => p && typeof p.fullName === 'string');
  } catch (error) {
    if (isSessionError(error) || isTransientError(error)) throw error;
    return undefined;
  }
  const names = new Set(group.map((type) => type.name));
  if (properties.some((p) => typeof p.type !== 'string' || !names.has(p.type))) return undefined;
  return group.map((type) => [type, { members: properties.filter((p) => p.type === type.name), folders: new Map<string, string[]>() }] as const);
}

async function listType(
  connection: Connection,
  type: MetadataType,
  options: DiscoveryOptions,
  warn: (message: string) => void
): Promise<Listing | undefined> {
  const list = async (query: { type: string; folder?: string }): Promise<FileProperties[] | undefined> => {
    try {
      const result = await options.withRetry(`listMetadata ${query.type}`, () => connection.metadata.list([query], options.apiVersion));
      return ensureArray(result as FileProperties | FileProperties[] | undefined).filter((p) => p && typeof p.fullName === 'string');
    } catch (error) {
      if (isSessionError(error) || isTransientError(error)) throw error;
      // INVALID_TYPE and the like: this org does not support the type.
      warn(messages.getMessage('warning.RefusedType', [options.orgName, query.type]));
      return undefined;
    }
  };
  const folders = new Map<string, string[]>();
  if (type.folderType && !type.folderContentType) {
    const folderType = typeOf(options.registry, type.folderType);
    if (!folderType) return undefined;
    const folderList = await list({ type: folderType.name });
    if (!folderList) return undefined;
    const names = folderList.map((f) => f.fullName).filter((name) => name !== 'unfiled$public');
    folders.set(folderType.name, names);
    const members: FileProperties[] = [];
    for (const folder of [...names, 'unfiled$public']) {
      // eslint-disable-next-line no-await-in-loop
      members.push(...((await list({ type: type.name, folder })) ?? []));
    }
    return { members, folders };
  }
  const members = await list({ type: type.name });
  return members ? { members, folders } : undefined;
}

/** Greedy packing: entries in order, each batch under the limit; explicit member lists are split when needed. */
export function packBatches(entries: readonly RetrieveEntry[], maxFiles: number): RetrieveEntry[][] {
  const batches: RetrieveEntry[][] = [];
  let current: RetrieveEntry[] = [];
  let load = 0;
  const flush = (): void => {
    if (current.length) batches.push(current);
    current = [];
    load = 0;
  };
  for (const entry of entries) {
    const per = Math.max(1, Math.round(entry.weight / Math.max(1, entry.members.length)));
    if (entry.members.includes('*') || entry.weight <= maxFiles) {
      if (load + entry.weight > maxFiles) flush();
      current.push(entry);
      load += entry.weight;
      continue;
    }
    let rest = [...entry.members];
    while (rest.length) {
      const free = maxFiles - load;
      if (free < per && load > 0) {
        flush();
        continue;
      }
      const room = Math.max(1, Math.floor(free / per));
      const take = rest.slice(0, room);
      rest = rest.slice(room);
      current.push({ type: entry.type, members: take, weight: take.length * per });
      load += take.length * per;
      if (load >= maxFiles) flush();
    }
  }
  flush();
  return batches;
}

function ensureArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
