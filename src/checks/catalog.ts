import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Rule } from './types.js';

let loaded: Promise<readonly Rule[]> | undefined;

/**
 * Every rule of the catalog, sorted by id. Each module in ./rules exports its rule as `default` (or a small family
 * as `rules`), so adding a rule is adding one file.
 */
export function loadRules(): Promise<readonly Rule[]> {
  loaded ??= (async (): Promise<readonly Rule[]> => {
    const dir = new URL('./rules/', import.meta.url);
    const names = readdirSync(fileURLToPath(dir))
      .filter((name) => /\.(ts|js)$/.test(name) && !name.endsWith('.d.ts'))
      .sort();
    const modules = await Promise.all(names.map((name) => import(new URL(name, dir).href) as Promise<{ default?: Rule; rules?: readonly Rule[] }>));
    const rules = modules.flatMap((module) => [...(module.default ? [module.default] : []), ...(module.rules ?? [])]);
    const seen = new Set<string>();
    for (const rule of rules) {
      if (seen.has(rule.id)) throw new Error(`Two readiness rules have the id ${rule.id}`);
      seen.add(rule.id);
    }
    return rules.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  })();
  return loaded;
}
