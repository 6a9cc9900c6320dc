import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetadataRegistry } from '@salesforce/source-deploy-retrieve';
import { RegistryAccess } from './sdr.js';

const byProject = new Map<string, RegistryAccess>();

/**
 * One RegistryAccess per project, so that sfdx-project.json's `registryCustomizations` and `registryPresets`
 * (decomposed permission sets, labels…) apply everywhere the project is read.
 */
export function registryFor(projectDir?: string): RegistryAccess {
  const key = projectDir ?? '';
  let registry = byProject.get(key);
  if (!registry) {
    registry = new RegistryAccess(undefined, projectDir);
    byProject.set(key, registry);
  }
  return registry;
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

const bySettings = new Map<string, RegistryAccess>();

/**
 * The registry a project with these settings (REGISTRY_SETTINGS, each as its JSON text) has, for a project that is not
 * on disk: a git ref's sfdx-project.json read with no project around. SDR builds a registry only from a project
 * folder, so the settings are written into a temporary one for as long as it takes, then removed.
 */
export function registryForSettings(settings: Readonly<Record<string, string>>): RegistryAccess {
  const keys = Object.keys(settings).sort();
  if (!keys.length) return registryFor();
  const key = keys.map((name) => `${name}=${settings[name]}`).join('\n');
  let registry = bySettings.get(key);
  if (!registry) {
    const dir = mkdtempSync(join(tmpdir(), 'sf-federate-registry-'));
    try {
      const project: Record<string, unknown> = { packageDirectories: [{ path: '.', default: true }] };
      for (const name of keys) project[name] = JSON.parse(settings[name]) as unknown;
      writeFileSync(join(dir, 'sfdx-project.json'), JSON.stringify(project));
      registry = new RegistryAccess(undefined, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    bySettings.set(key, registry);
  }
  return registry;
}
