import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { metadataMessages as messages } from './messages.js';
import { checkApiVersion, FALLBACK_API_VERSION, findProjectDir, readProjectFile, type ProjectFile } from './project.js';
import type { Snapshot } from './types.js';

/** The project a command runs in, and the API version everything in this run pins. */
export type ProjectContext = {
  /** The folder holding sfdx-project.json, or the working folder when there is none. */
  readonly dir: string;
  readonly hasProjectFile: boolean;
  readonly project?: ProjectFile;
  readonly apiVersion: string;
  /** Where apiVersion comes from: the flag wins over what the sources' own projects say; a fallback gives way to them. */
  readonly apiVersionFrom: 'flag' | 'project' | 'fallback';
  readonly warnings: readonly string[];
};

/** API version: the flag, then sfdx-project.json's sourceApiVersion, then federate.yml's apiVersion, then a fallback with a warning. */
export function resolveProject(cwd: string, flagApiVersion?: string): ProjectContext {
  const found = findProjectDir(cwd);
  const dir = found ?? resolve(cwd);
  const project = found ? readProjectFile(found) : undefined;
  const warnings: string[] = [];
  let apiVersion = flagApiVersion ? checkApiVersion(flagApiVersion) : project?.sourceApiVersion ?? federateApiVersion(dir);
  if (apiVersion) {
    apiVersion = checkApiVersion(apiVersion);
  } else {
    apiVersion = FALLBACK_API_VERSION;
    warnings.push(messages.getMessage('warning.FallbackApiVersion', [FALLBACK_API_VERSION]));
  }
  const apiVersionFrom = flagApiVersion ? 'flag' : warnings.length ? 'fallback' : 'project';
  return { dir, hasProjectFile: Boolean(found), project, apiVersion, apiVersionFrom, warnings };
}

/**
 * The API version a run over these sources pins, when they set it: unless --api-version is given, what their own
 * sfdx-project.json says (the first that says one: pass the side that gets deployed first) wins over the project the
 * command runs in, which may be another one, or none. Undefined otherwise: the project's (or federate.yml's, or the
 * fallback, with its warning) then.
 */
export function sourcesApiVersion(project: ProjectContext, sources: readonly Snapshot[]): string | undefined {
  if (project.apiVersionFrom === 'flag') return undefined;
  const own = sources.find((source) => source.projectApiVersion)?.projectApiVersion;
  return own ? checkApiVersion(own) : undefined;
}

/**
 * A source read for a command that deploys or judges it alone (check, overlay apply), at the version it pins itself,
 * else the project's; the project's fallback warning only when that is used.
 */
export function atOwnApiVersion(project: ProjectContext, read: Snapshot): { snapshot: Snapshot; warnings: readonly string[] } {
  const own = sourcesApiVersion(project, [read]);
  const apiVersion = own ?? project.apiVersion;
  return { snapshot: apiVersion === read.apiVersion ? read : { ...read, apiVersion }, warnings: own ? [] : project.warnings };
}

/** Only the apiVersion is read here; federate.yml as a whole is validated by its loader where it is used. */
function federateApiVersion(dir: string): string | undefined {
  const file = join(dir, 'federate.yml');
  if (!existsSync(file)) return undefined;
  try {
    const value = (parse(readFileSync(file, 'utf8')) as { apiVersion?: unknown } | null)?.apiVersion;
    return typeof value === 'string' || typeof value === 'number' ? String(value).includes('.') ? String(value) : `${value}.0` : undefined;
  } catch {
    return undefined;
  }
}
