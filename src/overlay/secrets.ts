import type { Overlay } from './types.js';

/**
 * Secret texts an overlay reads from the environment (`env:` values of any stage, `replaceWithEnv`), each with how the
 * overlay writes it (`${PAY_TOKEN}`, `$CN_KEY`). Commands that apply an overlay and report what they saw (diff
 * --region, check) hide them with `redacted`: the applied text holds them, reports must not.
 */
export function overlaySecrets(overlay: Overlay, env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const secrets = new Map<string, string>();
  const add = (value: string | undefined, shownAs: string): void => {
    // Shorter texts are not secrets anyone keeps in the environment, and hiding them would garble every report.
    if (value !== undefined && value.trim().length >= MIN_SECRET_LENGTH && !secrets.has(value)) secrets.set(value, shownAs);
  };
  for (const definition of overlay.values) {
    for (const source of [definition.default, ...Object.values(definition.stages)]) {
      if (source && 'env' in source) add(env[source.env], `\${${definition.name}}`);
    }
  }
  for (const rule of overlay.replace) if (rule.replaceWithEnv !== undefined) add(env[rule.replaceWithEnv], `$${rule.replaceWithEnv}`);
  return secrets;
}

const MIN_SECRET_LENGTH = 4;

/** A copy of a result with every secret text replaced by how the overlay writes it, in every string at any depth. */
export function redacted<T>(value: T, secrets: ReadonlyMap<string, string>): T {
  if (secrets.size === 0) return value;
  // Longest first, so that a secret containing another is replaced whole.
  const ordered = [...secrets].sort(([a], [b]) => b.length - a.length);
  const hide = (text: string): string => ordered.reduce((result, [secret, shownAs]) => (result.includes(secret) ? result.split(secret).join(shownAs) : result), text);
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return hide(item);
    if (Array.isArray(item)) return item.map(walk);
    if (item instanceof Map) return new Map([...item].map(([key, entry]) => [walk(key), walk(entry)]));
    if (item instanceof Set) return new Set([...item].map(walk));
    if (item && typeof item === 'object' && Object.getPrototypeOf(item) === Object.prototype) {
      return Object.fromEntries(Object.entries(item).map(([key, entry]) => [key, walk(entry)]));
    }
    return item;
  };
  return walk(value) as T;
}
