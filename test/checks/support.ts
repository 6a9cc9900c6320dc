import { RegistryAccess } from '@salesforce/source-deploy-retrieve';
import { loadRules } from '../../src/checks/catalog.js';
import { runRules, type EngineInput, type EngineResult } from '../../src/checks/engine.js';
import { hostPolicy } from '../../src/checks/hosts.js';
import type { Bound } from '../../src/checks/types.js';
import type { Snapshot } from '../../src/metadata/types.js';
import { snapshotFromFiles } from '../../src/overlay/memory.js';

const registry = new RegistryAccess();
export const DEFAULT = 'force-app/main/default';

/** `<Root xmlns=…>body</Root>` with the XML declaration. */
export function xml(root: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://soap.sforce.com/2006/04/metadata">\n${body}\n</${root}>\n`;
}

/** An Apex class (body and meta). */
export function apex(name: string, body: string, apiVersion = '62.0'): Record<string, string> {
  return {
    [`${DEFAULT}/classes/${name}.cls`]: body,
    [`${DEFAULT}/classes/${name}.cls-meta.xml`]: xml('ApexClass', `    <apiVersion>${apiVersion}</apiVersion>\n    <status>Active</status>`),
  };
}

export async function snapshotOf(files: Record<string, string>): Promise<Snapshot> {
  return snapshotFromFiles(files, { registry, packageDirs: ['force-app'] });
}

export type RunOptions = Partial<Omit<EngineInput, 'snapshot' | 'rules' | 'hosts'>> & { readonly allowHosts?: readonly string[]; readonly only?: string; readonly bound?: Bound };

/** Runs one rule (or all) of the catalog over in-memory files, China-bound by default. */
export async function runOn(files: Record<string, string>, options: RunOptions = {}): Promise<EngineResult> {
  const rules = (await loadRules()).filter((rule) => !options.only || rule.id === options.only);
  const snapshot = await snapshotOf(files);
  return runRules({
    region: options.bound === 'global' ? 'global' : 'china',
    bound: 'china',
    production: false,
    overlayFile: 'overlays/china/overlay.yml',
    installedNamespaces: new Set(),
    env: {},
    ...options,
    hosts: hostPolicy(options.allowHosts),
    snapshot,
    rules,
  });
}
