import { createRequire } from 'node:module';
import type { MetadataRegistry } from '@salesforce/source-deploy-retrieve';
import { ExitCode } from '../exit-codes.js';
import { metadataMessages as messages } from './messages.js';
import type { RegistrySettings } from './project.js';

/*
 * A project's registry as SDR builds it from sfdx-project.json (registry/variants.js: SDR's registry, then the presets
 * `registryPresets` and `sourceBehaviorOptions` name, then `registryCustomizations`), from settings read by us. SDR
 * reads them through @salesforce/core's SfProject, whose module costs ~0.1 s of every git delta's start-up, and only
 * from a folder on disk, which a git ref's sfdx-project.json is not.
 */

type VariantsModule = {
  getEffectiveRegistry(input: { presets?: readonly unknown[]; registryCustomizations?: unknown }): MetadataRegistry;
};
type PresetsModule = { presetMap: ReadonlyMap<string, unknown> };

/** SDR's customizations when a project has none: always given, or SDR would read the current folder's project. */
const NO_CUSTOMIZATIONS = { types: {}, childTypes: {}, suffixes: {}, strictDirectoryNames: {} };

let modules: { variants: VariantsModule; presets: PresetsModule } | null | undefined;

/** SDR's modules that merge a project's variants; null if a later SDR moved them. */
function sdrVariantModules(): typeof modules {
  if (modules === undefined) {
    const require = createRequire(import.meta.url);
    try {
      const base = '@salesforce/source-deploy-retrieve/lib/src/registry';
      const variants = require(`${base}/variants.js`) as VariantsModule;
      const presets = require(`${base}/presets/presetMap.js`) as PresetsModule;
      modules = typeof variants.getEffectiveRegistry === 'function' && presets.presetMap instanceof Map ? { variants, presets } : null;
    } catch {
      modules = null;
    }
  }
  return modules;
}

/**
 * The registry data of a project with these settings; undefined when SDR's modules are not where this expects them
 * (the caller then lets SDR read a project folder). A preset SDR does not know is refused, as SDR refuses it.
 */
export function effectiveRegistry(settings: RegistrySettings, where: string): MetadataRegistry | undefined {
  const sdr = sdrVariantModules();
  if (!sdr) return undefined;
  const names = [...new Set([...presetNames(settings, 'registryPresets', where), ...presetNames(settings, 'sourceBehaviorOptions', where)])];
  const presets = names.map((name) => {
    const preset = typeof name === 'string' ? sdr.presets.presetMap.get(name) : undefined;
    if (!preset) throw messages.createError('error.UnknownPreset', [where, JSON.stringify(name)], [[...sdr.presets.presetMap.keys()].join(', ')], ExitCode.BadInput);
    return preset;
  });
  // No presets are given as none: SDR takes an empty list for "read the current folder's project".
  const input = { ...(presets.length ? { presets } : {}), registryCustomizations: settings.registryCustomizations ?? NO_CUSTOMIZATIONS };
  try {
    return sdr.variants.getEffectiveRegistry(input);
  } catch (error) {
    // SDR refuses customizations it cannot use (a directoryName that leaves the project): the project's to fix.
    throw messages.createError('error.RegistryCustomizations', [where, error instanceof Error ? error.message : String(error)], [], ExitCode.BadInput);
  }
}

/** The option names a setting lists; anything else is refused, as SDR refuses it (it would spread a string into letters). */
function presetNames(settings: RegistrySettings, key: 'registryPresets' | 'sourceBehaviorOptions', where: string): unknown[] {
  const value = settings[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw messages.createError('error.PresetsNotList', [where, key, JSON.stringify(value)], [key], ExitCode.BadInput);
  return value as unknown[];
}
