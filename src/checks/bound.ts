import type { FederateConfig } from '../pipeline/config.js';
import type { Bound } from './types.js';

/**
 * Whether a region's metadata is bound for the China instance: its checks use the `china` catalog, or (without
 * federate.yml settings) it is named `china`/`cn…`. Every other region is global-bound.
 */
export function regionBound(config: FederateConfig | undefined, region: string): Bound {
  const settings = config?.regions[region];
  if (settings?.checks?.catalog) return settings.checks.catalog.toLowerCase() === 'china' ? 'china' : 'global';
  return /^(china|cn)([-_.]|$)/i.test(region) ? 'china' : 'global';
}

/** The China-bound regions of a configuration other than `except`. */
export function chinaRegions(config: FederateConfig | undefined, except?: string): string[] {
  return Object.keys(config?.regions ?? {}).filter((name) => name !== except && regionBound(config, name) === 'china');
}
