import { dirname, join } from 'node:path';
import type { SourceComponent } from '@salesforce/source-deploy-retrieve';

/**
 * Files of a component that SDR resolves to it but does not list among its files, because its transformer reads them
 * by name when it converts: an External Service's schema (`Petstore.yaml` beside its `-meta.xml`) under the
 * decomposeExternalServiceRegistrationBeta preset. They are the component's content here, so that a change to them is
 * a change of the component and `--copy-sources` copies them (SDR's convert fails without them).
 */
export function companionFiles(component: SourceComponent): string[] {
  if (component.type.strategies?.transformer !== 'decomposeExternalServiceRegistration' || !component.xml) return [];
  // The path SDR's transformer reads (node:path, as it joins it).
  const schema = join(dirname(component.xml), `${component.fullName}.yaml`);
  try {
    return component.tree.exists(schema) ? [schema] : [];
  } catch {
    return [];
  }
}
