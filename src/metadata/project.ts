import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { ExitCode } from '../exit-codes.js';
import { metadataMessages as messages } from './messages.js';

/** Used only when neither the flag, sfdx-project.json nor federate.yml names an API version (a warning says so). */
export const FALLBACK_API_VERSION = '62.0';

export type ProjectFile = {
  /** Folder that holds sfdx-project.json. */
  readonly dir: string;
  /** Package directories, relative to `dir`, with `/` separators. */
  readonly packageDirs: readonly string[];
  readonly sourceApiVersion?: string;
  readonly sfdcLoginUrl?: string;
  /** The settings that change SDR's registry (REGISTRY_SETTINGS), each as its JSON text; only those set. */
  readonly registrySettings: Readonly<Record<string, string>>;
};

/** sfdx-project.json keys SDR reads to build its registry: they change how files are classified. */
export const REGISTRY_SETTINGS = ['registryCustomizations', 'registryPresets', 'sourceBehaviorOptions'] as const;

/** The REGISTRY_SETTINGS a project sets, parsed. */
export type RegistrySettings = Partial<Record<(typeof REGISTRY_SETTINGS)[number], unknown>>;

type RawProject = {
  packageDirectories?: Array<{ path?: string }>;
  sourceApiVersion?: string;
  sfdcLoginUrl?: string;
} & Partial<Record<(typeof REGISTRY_SETTINGS)[number], unknown>>;

/** Reads sfdx-project.json in `dir`; undefined when there is none. */
export function readProjectFile(dir: string): ProjectFile | undefined {
  const file = join(dir, 'sfdx-project.json');
  if (!existsSync(file)) return undefined;
  return parseProjectJson(readFileSync(file, 'utf8'), dir, file);
}

export function parseProjectJson(text: string, dir: string, label: string): ProjectFile {
  let raw: RawProject;
  try {
    raw = JSON.parse(text) as RawProject;
  } catch (error) {
    throw messages.createError('error.ProjectJson', [label, (error as Error).message], [], ExitCode.BadInput);
  }
  const packageDirs = (raw.packageDirectories ?? [])
    .map((entry) => entry.path)
    .filter((path): path is string => typeof path === 'string' && path.length > 0)
    // As sf reads them: `./force-app/` is force-app (project templates write `./`), and every comparison of paths
    // with package directories (scope, merged files' order) needs the one spelling.
    .map((path) => posix.normalize(path.replace(/\\/g, '/')).replace(/(.)\/+$/, '$1'));
  if (packageDirs.length === 0) throw messages.createError('error.ProjectNoPackageDirs', [label], [], ExitCode.BadInput);
  const registrySettings: Record<string, string> = {};
  for (const key of REGISTRY_SETTINGS) if (raw[key] !== undefined) registrySettings[key] = JSON.stringify(raw[key], sortedKeys);
  return { dir, packageDirs, sourceApiVersion: raw.sourceApiVersion, sfdcLoginUrl: raw.sfdcLoginUrl, registrySettings };
}

/**
 * The REGISTRY_SETTINGS of the project at or above `start`, as SDR finds them: none when there is no project, or when
 * its sfdx-project.json does not parse (SDR then reads with its own registry; the commands that need the project
 * report the file).
 */
export function projectRegistrySettings(start: string): RegistrySettings {
  const dir = findProjectDir(start);
  if (!dir) return {};
  try {
    const raw = JSON.parse(readFileSync(join(dir, 'sfdx-project.json'), 'utf8')) as RawProject;
    return Object.fromEntries(REGISTRY_SETTINGS.filter((key) => raw[key] !== undefined).map((key) => [key, raw[key]]));
  } catch {
    return {};
  }
}

/** The nearest folder at or above `start` that holds sfdx-project.json. */
export function findProjectDir(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'sfdx-project.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

const API_VERSION = /^\d{2,3}\.0$/;

/** Validates an API version given by a user ("62.0"). */
export function checkApiVersion(value: string): string {
  if (!API_VERSION.test(value)) throw messages.createError('error.ApiVersion', [value], [], ExitCode.BadInput);
  return value;
}

/** JSON.stringify replacer writing object keys in order: settings that differ only in key order are the same. */
function sortedKeys(this: unknown, _key: string, value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
