import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

/** A problem in a YAML file, at a line (1-based) when one is known. */
export type YamlProblem = { readonly line?: number; readonly message: string };

/** A parsed YAML file: its plain value, its Document (for positions and comment-keeping edits), and where lines start. */
export type YamlFile = {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  readonly value: unknown;
};

/** Parses YAML; syntax errors come back as problems with their line. */
export function parseYamlText(text: string, file: string): { yaml?: YamlFile; problems: YamlProblem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    return {
      problems: doc.errors.map((error) => ({ line: error.linePos?.[0]?.line ?? lines.linePos(error.pos[0]).line, message: error.message.split('\n')[0] })),
    };
  }
  return { yaml: { file, text, doc, lines, value: doc.toJS({ maxAliasCount: 100 }) as unknown }, problems: [] };
}

/** The line (1-based) of the node at a path of keys/indexes; the nearest existing ancestor when it does not exist. */
export function lineOf(yaml: YamlFile, path: ReadonlyArray<string | number>, key = false): number | undefined {
  let node: unknown = yaml.doc.contents;
  let line = offsetLine(yaml, node);
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return line;
      line = offsetLine(yaml, pair.key) ?? line;
      node = pair.value;
      if (key && segment === path[path.length - 1]) return line;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)];
    } else {
      return line;
    }
    line = offsetLine(yaml, node) ?? line;
  }
  return line;
}

function offsetLine(yaml: YamlFile, node: unknown): number | undefined {
  const range = (node as Node | undefined)?.range;
  return range ? yaml.lines.linePos(range[0]).line : undefined;
}

const schemaDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas');
const validators = new Map<string, ValidateFunction>();

/** The compiled validator of schemas/<name>; compiled once per process. */
export function schemaValidator(name: string): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    (addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
    validate = ajv.compile(JSON.parse(readFileSync(join(schemaDir, name), 'utf8')) as object);
    validators.set(name, validate);
  }
  return validate;
}

/** Validates a parsed YAML file against a schema; each problem names its line and the offending key. */
export function validateYaml(yaml: YamlFile, schemaName: string): YamlProblem[] {
  const validate = schemaValidator(schemaName);
  if (validate(yaml.value)) return [];
  const all = validate.errors ?? [];
  const kept = all.filter(keepError);
  const problems = (kept.length ? kept : all).map((error) => describe(yaml, error));
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const id = `${problem.line ?? ''}:${problem.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** oneOf/anyOf wrappers repeat what their branches said; keep the branch errors. */
function keepError(error: ErrorObject): boolean {
  return error.keyword !== 'oneOf' && error.keyword !== 'anyOf' && error.keyword !== 'if';
}

function describe(yaml: YamlFile, error: ErrorObject): YamlProblem {
  const path = error.instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const where = path.length ? path.join('.') : '(top level)';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      return { line: lineOf(yaml, [...path, name], true), message: `${where}: unknown key "${name}"` };
    }
    case 'required':
      return { line: lineOf(yaml, path), message: `${where}: "${String(params.missingProperty)}" is required` };
    case 'enum':
      return { line: lineOf(yaml, path), message: `${where}: must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}` };
    case 'oneOf':
      return { line: lineOf(yaml, path), message: `${where}: must have exactly one of the alternatives (e.g. one of set/remove/add)` };
    case 'propertyNames':
      return { line: lineOf(yaml, path), message: `${where}: invalid name "${String(params.propertyName)}"` };
    default:
      return { line: lineOf(yaml, path), message: `${where}: ${error.message ?? 'is invalid'}` };
  }
}

/** `file:line: message` lines, for an error's text. */
export function formatProblems(file: string, problems: readonly YamlProblem[]): string {
  return problems.map((problem) => `${file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`).join('\n');
}
