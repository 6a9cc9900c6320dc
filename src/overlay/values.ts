import type { Overlay, ValueSource } from './types.js';

/** A value ready for use, or why it has none. */
export type ResolvedValue =
  | { readonly ok: true; readonly value: string; readonly secret: boolean }
  | { readonly ok: false; readonly optional: boolean; readonly problem: string; readonly envUnset?: boolean };

/** Values by name for one stage; resolved lazily, so an unset secret of another stage is never asked for. */
export class ValueResolver {
  private readonly cache = new Map<string, ResolvedValue>();
  public constructor(private readonly overlay: Overlay, private readonly stage: string | undefined, private readonly env: NodeJS.ProcessEnv) {}

  public resolve(name: string): ResolvedValue {
    let known = this.cache.get(name);
    if (!known) {
      known = this.compute(name);
      this.cache.set(name, known);
    }
    return known;
  }

  private compute(name: string): ResolvedValue {
    const definition = this.overlay.values.find((value) => value.name === name);
    const at = definition?.line ? ` (${this.overlay.file}:${definition.line})` : '';
    if (!definition) return { ok: false, optional: false, problem: `value "${name}" is not defined under values:` };
    const source: ValueSource | undefined = (this.stage !== undefined ? definition.stages[this.stage] : undefined) ?? definition.default;
    if (!source) {
      return { ok: false, optional: false, problem: `value "${name}"${at} has no default and none for stage ${this.stage ?? '(no --stage given)'}` };
    }
    if ('value' in source) return { ok: true, value: source.value, secret: false };
    const value = this.env[source.env];
    if (value === undefined) {
      return { ok: false, optional: source.optional === true, envUnset: true, problem: `value "${name}"${at} reads environment variable ${source.env}, which is not set` };
    }
    return { ok: true, value, secret: true };
  }
}

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The `${NAME}` references in a text (`$${` is a literal `${`). */
export function referencedValues(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(REFERENCE)) if (match[1]) names.push(match[1]);
  return names;
}

/** Substitutes `${NAME}`; `$${` stays a literal `${`. */
export function substitute(text: string, lookup: (name: string) => string): string {
  return text.replace(REFERENCE, (whole, name: string | undefined) => (name ? lookup(name) : '${'));
}
