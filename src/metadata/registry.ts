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
