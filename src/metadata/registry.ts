import { createRequire } from 'node:module';
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
