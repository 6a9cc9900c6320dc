import { Messages } from '@salesforce/core/messages';
import type { RegistryAccess } from '@salesforce/source-deploy-retrieve';
import type { Component, ProgressListener, Snapshot } from '../metadata/types.js';
import { compareSnapshots } from './compare.js';
import { isPruned } from './delta-plan.js';
import { DeltaSourceWriter } from './delta-writer.js';
import { buildManifests, writeManifests, type Manifests } from './manifests.js';
import { stageOutput } from './output-dir.js';
import type { Changeset } from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-federate', 'federate.diff');

export type CompareAndWriteOptions = {
  /** The project's registry (`registryFor(projectDir)`), so presets and customizations apply. */
  readonly registry: RegistryAccess;
  readonly apiVersion: string;
  readonly strict?: boolean;
  /** Absolute. Without it nothing is written. */
  readonly outputDir?: string;
  /** Also write a deployable source tree of the delta (needs `outputDir`). */
  readonly copySources?: boolean;
  readonly onProgress?: ProgressListener;
  /** Compares in place of compareSnapshots (a region-aware diff); no change is settled early then. */
  readonly compare?: () => Promise<Changeset>;
};

export type ComparedAndWritten = {
  readonly changeset: Changeset;
  readonly manifests: Manifests;
  readonly written?: { readonly outputDir: string; readonly files: string[] };
};

/**
 * Compares two snapshots and writes the output folder (manifests, and delta sources with `copySources`) all at once,
 * only when everything succeeded: into a staging folder that replaces the output folder at the end (output-dir.ts).
 * Delta sources start copying while compare still runs: the files of a change are copied as soon as it is settled.
 */
export async function compareAndWrite(from: Snapshot, to: Snapshot, options: CompareAndWriteOptions): Promise<ComparedAndWritten> {
  const { registry, apiVersion, outputDir } = options;
  // What compare already cut out of the files written pruned: those are not read and scanned again.
  const prunedTexts = new Map<string, string>();
  const compare = (writer?: DeltaSourceWriter): Promise<Changeset> =>
    options.compare?.() ??
    compareSnapshots(from, to, {
      strict: options.strict,
      onProgress: options.onProgress,
      registry,
      ...(writer
        ? {
            onChanges: (changes, read): void => writer.accept(changes, read),
            onPrunedTo: (component: Component, text: string): void => {
              if (component.xml && isPruned(component, registry)) prunedTexts.set(component.xml.path, text);
            },
          }
        : {}),
    });

  if (!outputDir) {
    const changeset = await compare();
    return { changeset, manifests: buildManifests(changeset, { apiVersion, registry }) };
  }
  let compared: { changeset: Changeset; manifests: Manifests } | undefined;
  const files = await stageOutput(outputDir, async (staging) => {
    const writer = options.copySources ? await DeltaSourceWriter.open(to, staging, { registry, prunedTexts }) : undefined;
    try {
      const changeset = await compare(writer);
      const manifests = buildManifests(changeset, { apiVersion, registry });
      compared = { changeset, manifests };
      options.onProgress?.({ kind: 'phase', message: messages.getMessage('info.Writing', [outputDir]) });
      const manifestFiles = await writeManifests(staging, manifests);
      const sourceFiles = writer ? (await writer.finish(changeset)).files : [];
      return [...manifestFiles, ...sourceFiles];
    } catch (error) {
      // Copies under way finish before the staging folder is removed, so that none lands after it.
      await writer?.abort();
      throw error;
    }
  });
  return { ...compared!, written: { outputDir, files } };
}
