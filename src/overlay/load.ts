import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, posix, relative, resolve, sep } from 'node:path';
import { ExitCode } from '../exit-codes.js';
import { formatProblems, lineOf, parseYamlText, validateYaml, type YamlFile, type YamlProblem } from '../pipeline/yaml-file.js';
import { overlayMessages as messages } from './messages.js';
import type { ExcludeRule, Overlay, OverlayFile, PatchRule, ReplaceRule, ValueDefinition, ValueSource } from './types.js';

export const OVERLAY_FILE = 'overlay.yml';
export const FILES_DIR = 'files';

type Scalar = string | number | boolean;
type RawEnv = { env: string; optional?: boolean };
type RawValue = Scalar | RawEnv | { default?: Scalar | RawEnv; stages?: Record<string, Scalar | RawEnv> };
type RawOverlay = {
  exclude?: Array<Omit<ExcludeRule, 'kind' | 'id' | 'line'>>;
  patches?: Array<{ component: string; path?: string; set?: Scalar; remove?: true; add?: string; expect?: Scalar; reason?: string; stages?: string[] }>;
  replace?: Array<Omit<ReplaceRule, 'kind' | 'id' | 'line'>>;
  values?: Record<string, RawValue>;
} | null;

export type LoadOverlayOptions = {
  /** Package directories of the project (files/ paths and path globs are project-relative). */
  readonly packageDirs?: readonly string[];
};

/**
 * Reads overlays/<region>/: overlay.yml (validated against schemas/overlay.schema.json, errors with lines) and files/.
 * A file in files/ that is a link leading outside the overlay folder, or a replaceWithFile that climbs out of it, is refused.
 */
export async function loadOverlay(dir: string, options: LoadOverlayOptions = {}): Promise<Overlay> {
  const root = resolve(dir);
  if (!existsSync(root)) throw messages.createError('error.MissingOverlay', [dir], [], ExitCode.BadInput);
  const file = join(root, OVERLAY_FILE);
  const text = existsSync(file) ? await readFile(file, 'utf8') : '';
  const overlay = parseOverlay(text, file, { ...options, dir: root });
  return { ...overlay, files: readOverlayFiles(root) };
}

/** Parses overlay.yml text. With `dir`, replaceWithFile files are read (and must stay inside it). */
export function parseOverlay(text: string, file: string, options: LoadOverlayOptions & { dir?: string } = {}): Overlay {
  const parsed = parseYamlText(text, file);
  if (!parsed.yaml) throw invalid(file, parsed.problems);
  return overlayFromYaml(parsed.yaml, options);
}

export function overlayFromYaml(yaml: YamlFile, options: LoadOverlayOptions & { dir?: string } = {}): Overlay {
  const file = yaml.file;
  if (yaml.value !== null && yaml.value !== undefined && (typeof yaml.value !== 'object' || Array.isArray(yaml.value))) {
    throw invalid(file, [{ line: 1, message: 'overlay.yml must be a mapping (exclude, patches, replace, values)' }]);
  }
  const problems = validateYaml(yaml, 'overlay.schema.json');
  if (problems.length) throw invalid(file, problems);
  const raw = (yaml.value ?? {}) as NonNullable<RawOverlay>;
  const semantic: YamlProblem[] = [];

  const exclude: ExcludeRule[] = (raw.exclude ?? []).map((rule, index) => ({ ...rule, kind: 'exclude', id: `exclude[${index}]`, line: lineOf(yaml, ['exclude', index]) }));
  const patches: PatchRule[] = (raw.patches ?? []).map((rule, index) => {
    const line = lineOf(yaml, ['patches', index]);
    const operation: PatchRule['operation'] =
      rule.set !== undefined ? { op: 'set', value: String(rule.set) } : rule.remove ? { op: 'remove' } : { op: 'add', xml: rule.add! };
    return {
      kind: 'patch',
      id: `patches[${index}]`,
      line,
      component: rule.component,
      path: (rule.path ?? '').replace(/^\/+|\/+$/g, ''),
      operation,
      expect: rule.expect === undefined ? undefined : String(rule.expect),
      reason: rule.reason,
      stages: rule.stages,
    };
  });
  const replacementFiles = new Map<string, string>();
  const replace: ReplaceRule[] = (raw.replace ?? []).map((rule, index) => {
    const line = lineOf(yaml, ['replace', index]);
    if (rule.regexToReplace !== undefined) {
      try {
        new RegExp(rule.regexToReplace, 'g');
      } catch (error) {
        semantic.push({ line: lineOf(yaml, ['replace', index, 'regexToReplace']), message: `replace[${index}].regexToReplace: ${(error as Error).message}` });
      }
    }
    // Project-relative by definition: one that climbs out or is absolute could only match nothing, silently (stale).
    for (const key of ['filename', 'glob'] as const) {
      const value = rule[key];
      if (typeof value === 'string' && leavesProject(value)) {
        semantic.push({ line: lineOf(yaml, ['replace', index, key]), message: `replace[${index}].${key}: "${value}" leaves the project: write it relative to the project folder (force-app/…)` });
      }
    }
    if (rule.replaceWithFile !== undefined && options.dir) {
      const read = readInside(options.dir, rule.replaceWithFile);
      if (typeof read === 'string') replacementFiles.set(rule.replaceWithFile, read);
      else semantic.push({ line: lineOf(yaml, ['replace', index, 'replaceWithFile']), message: `replace[${index}].replaceWithFile: ${read.problem}` });
    }
    return { ...rule, kind: 'replace', id: `replace[${index}]`, line };
  });
  const values: ValueDefinition[] = Object.entries(raw.values ?? {}).map(([name, value]) => valueDefinition(name, value, lineOf(yaml, ['values', name], true)));
  if (semantic.length) throw invalid(file, semantic);
  return { dir: options.dir, file, exclude, patches, replace, values, files: [], packageDirs: options.packageDirs ?? [], replacementFiles };
}

function source(value: Scalar | RawEnv): ValueSource {
  return typeof value === 'object' ? { env: value.env, optional: value.optional } : { value: String(value) };
}

function valueDefinition(name: string, value: RawValue, line: number | undefined): ValueDefinition {
  if (typeof value !== 'object') return { name, line, default: { value: String(value) }, stages: {} };
  if ('env' in value) return { name, line, default: source(value), stages: {} };
  const stages: Record<string, ValueSource> = {};
  for (const [stage, stageValue] of Object.entries(value.stages ?? {})) stages[stage] = source(stageValue);
  return { name, line, default: value.default === undefined ? undefined : source(value.default), stages };
}

/** Reads a file of the overlay folder; a path or link leading out of it is refused. */
function readInside(dir: string, path: string): string | { problem: string } {
  const target = resolve(dir, path);
  if (!isInside(target, dir)) return { problem: `"${path}" leads outside the overlay folder ${dir}` };
  if (!existsSync(target)) return { problem: `"${path}" does not exist in ${dir}` };
  const real = realpathSync(target);
  if (!isInside(real, realpathSync(dir))) return { problem: `"${path}" is a link to ${real}, outside the overlay folder ${dir}` };
  return readFileSync(real, 'utf8');
}

/** Every file below files/, by project-relative path. Links must stay inside the overlay folder. */
export function readOverlayFiles(dir: string): OverlayFile[] {
  const filesDir = join(dir, FILES_DIR);
  if (!existsSync(filesDir)) return [];
  const realDir = realpathSync(dir);
  const found: OverlayFile[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(folder, entry.name);
      const rel = relative(filesDir, path).split(sep).join('/');
      if (entry.isSymbolicLink()) {
        let real: string;
        try {
          real = realpathSync(path);
        } catch {
          throw messages.createError('error.FileLinkBroken', [`${FILES_DIR}/${rel}`], [], ExitCode.BadInput);
        }
        if (!isInside(real, realDir)) throw messages.createError('error.FileEscapes', [`${FILES_DIR}/${rel}`, real, dir], [], ExitCode.BadInput);
        if (lstatSync(real).isDirectory()) walk(path);
        else found.push(overlayFile(rel, readFileSync(real)));
      } else if (entry.isDirectory()) {
        walk(path);
      } else if (entry.isFile() && entry.name !== '.DS_Store' && entry.name !== '.gitkeep') {
        found.push(overlayFile(rel, readFileSync(path)));
      }
    }
  };
  walk(filesDir);
  return found;
}

function overlayFile(path: string, bytes: Buffer): OverlayFile {
  return { kind: 'file', id: `${FILES_DIR}/${path}`, path, bytes };
}

export function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

function invalid(file: string, problems: readonly YamlProblem[]): Error {
  return messages.createError('error.InvalidOverlay', [file, formatProblems(file, problems)], [], ExitCode.BadInput);
}

/** A path or glob that is absolute or climbs above where it starts (`../x`, `force-app/../../x`). */
function leavesProject(path: string): boolean {
  const normal = posix.normalize(path.replace(/\\/g, '/'));
  return posix.isAbsolute(normal) || /^[a-zA-Z]:/.test(normal) || normal === '..' || normal.startsWith('../');
}
