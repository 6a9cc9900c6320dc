import type { Snapshot } from '../metadata/types.js';
import { DeltaSourceWriter, type DeltaSourceOptions } from './delta-writer.js';
import type { Changeset } from './types.js';

export { isPruned } from './delta-plan.js';
export type { DeltaSourceOptions } from './delta-writer.js';

/**
 * Writes a deployable source tree of just the delta under `outputDir`: every added, changed or renamed component
 * with all its files (meta XML and content, whole bundles), the parent XML a child needs (a master-detail field's
 * object, a field translation's object translation), and for in-file types the file pruned to the changed entries
 * (delta-plan.ts). Written into a temporary folder inside `outputDir`, moved into place at the end: on failure nothing
 * is left. Returns the written files, relative to `outputDir`. `compareAndWrite` starts the copies earlier, while
 * compare runs (delta-writer.ts); this is the same writer given the whole changeset at once.
 */
export async function writeDeltaSources(changeset: Changeset, to: Snapshot, outputDir: string, options: DeltaSourceOptions): Promise<{ files: string[] }> {
  const writer = await DeltaSourceWriter.open(to, outputDir, options);
  return writer.finish(changeset);
}
