import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MetadataRegistry } from '@salesforce/source-deploy-retrieve';
import { REGISTRY_SETTINGS, projectRegistrySettings, type RegistrySettings } from './project.js';
import { effectiveRegistry } from './registry-variants.js';
import { RegistryAccess } from './sdr.js';

const bySettings = new Map<string, RegistryAccess>();

/**
 * One RegistryAccess per project, so that sfdx-project.json's `registryCustomizations` and `registryPresets`
 * (decomposed permission sets, labels…) apply everywhere the project is read. As SDR does, the project is the one at
 * or above `projectDir` (by default the current folder); without one, SDR's own registry.
 */
export function registryFor(projectDir?: string): RegistryAccess {
  const start = resolve(projectDir ?? process.cwd());
  return registryOf(projectRegistrySettings(start), start, () => new RegistryAccess(undefined, start));
}

let metadataApiRegistry: RegistryAccess | undefined;

/**
 * SDR's registry without any project's presets or customizations: what the Metadata API itself addresses. A preset
 * changes how files are laid out and what SDR lists (decomposeCustomLabelsBeta makes CustomLabel unaddressable), not
 * what a destructive manifest may name.
 */
export function metadataApiRegistryAccess(): RegistryAccess {
  if (!metadataApiRegistry) {
    const require = createRequire(import.meta.url);
    let data: { registry: MetadataRegistry };
    try {
      data = require('@salesforce/source-deploy-retrieve/lib/src/registry/registry.js') as typeof data; // without SDR's index (see sdr.ts)
    } catch {
      data = require('@salesforce/source-deploy-retrieve') as typeof data;
    }
    metadataApiRegistry = new RegistryAccess(data.registry);
  }
  return metadataApiRegistry;
}

/**
 * The registry a project with these settings (REGISTRY_SETTINGS, each as its JSON text) has, for a project that is not
 * on disk: a git ref's sfdx-project.json read with no project around.
 */
export function registryForSettings(settings: Readonly<Record<string, string>>): RegistryAccess {
  const parsed = Object.fromEntries(Object.entries(settings).map(([name, text]) => [name, JSON.parse(text) as unknown]));
  return registryOf(parsed, 'sfdx-project.json', () => registryFromTemporaryProject(parsed));
}

/** The registry of these settings, one per distinct settings; `bySdr` when SDR's variant modules moved (slower). */
function registryOf(settings: RegistrySettings, where: string, bySdr: () => RegistryAccess): RegistryAccess {
  const key = JSON.stringify(REGISTRY_SETTINGS.map((name) => settings[name] ?? null));
  let registry = bySettings.get(key);
  if (!registry) {
    const data = effectiveRegistry(settings, where);
    registry = data ? new RegistryAccess(data) : bySdr();
    bySettings.set(key, registry);
  }
  return registry;
}

/** SDR builds a registry only from a project folder: the settings are written into a temporary one while it does. */
function registryFromTemporaryProject(settings: RegistrySettings): RegistryAccess {
  const dir = mkdtempSync(join(tmpdir(), 'sf-federate-registry-'));
  try {
    writeFileSync(join(dir, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: '.', default: true }], ...settings }));
    return new RegistryAccess(undefined, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
