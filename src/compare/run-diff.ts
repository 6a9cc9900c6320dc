import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Messages } from '@salesforce/core/messages';
import { ExitCode } from '../exit-codes.js';
import { registryFor } from '../metadata/registry.js';
import { readSource, parseSourceSpec, type SourceSpec } from '../metadata/sources/index.js';
import { assertNoMergeInProgress, closeGit, mergeBaseSpec } from '../metadata/sources/git.js';
import { readSourcePair } from '../metadata/git/pair.js';
import { scopeToTarget } from '../metadata/pair-scope.js';
import type { ReadOptions } from '../metadata/sources/source.js';
import type { ProgressListener, Snapshot } from '../metadata/types.js';
import { resolveProject, sourcesApiVersion, type ProjectContext } from '../metadata/project-context.js';
import { loadFederateConfig } from '../pipeline/config.js';
import { ancestorOverlays, regionDiff } from '../overlay/region-diff.js';
import { checkStage } from '../overlay/stages.js';
import type { Overlay } from '../overlay/types.js';
import { compareAndWrite } from './compare-and-write.js';
import { flowDeletionWarnings } from './flow-deletions.js';
import { assertOutputDirUsable } from './output-dir.js';
import { toDiffResult, type DiffResult } from './result.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-federate', 'federate.diff');

export type DiffRequest = {
  readonly from: string;
  readonly to: string;
  /** Where the command runs; the project (sfdx-project.json, federate.yml) is found from here. */
  readonly cwd: string;
  readonly apiVersion?: string;
  readonly outputDir?: string;
  readonly copySources?: boolean;
  readonly strict?: boolean;
  readonly repoDir?: string;
  readonly mergeBase?: boolean;
  readonly sourceDirs?: readonly string[];
  readonly region?: string;
  /** Where the region overlay's `env:` values are read from (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
  readonly stage?: string;
  readonly metadata?: readonly string[];
  readonly manifest?: string;
  readonly cacheTtlMinutes?: number;
  readonly noCache?: boolean;
  readonly onProgress?: ProgressListener;
};

/**
 * `sf federate diff` as a service: read both sources, compare (explained by a region's overlay when asked),
 * and write the manifests last, all at once, only when everything before succeeded.
 */
export async function runDiff(request: DiffRequest): Promise<DiffResult> {
  const project = resolveProject(request.cwd, request.apiVersion);
  try {
    return await diffInProject(request, project);
  } finally {
    // Only now: git snapshots read their blobs lazily, through compare and --copy-sources, from one git process.
    await closeGit(request.repoDir ? resolve(request.cwd, request.repoDir) : project.dir);
  }
}

async function diffInProject(request: DiffRequest, project: ProjectContext): Promise<DiffResult> {
  const warnings: string[] = [];
  request.onProgress?.({ kind: 'phase', message: messages.getMessage('progress.Reading') });
  if (request.copySources && !request.outputDir) throw messages.createError('error.CopySourcesNeedsOutput', [], [], ExitCode.BadInput);
  const outputDir = request.outputDir ? resolve(request.cwd, request.outputDir) : undefined;

  const options: ReadOptions = {
    apiVersion: project.apiVersion,
    projectDir: project.dir,
    sourceDirs: request.sourceDirs,
    repoDir: request.repoDir ? resolve(request.cwd, request.repoDir) : undefined,
    metadata: request.metadata,
    manifest: request.manifest ? resolve(request.cwd, request.manifest) : undefined,
    cacheTtlMinutes: request.cacheTtlMinutes,
    noCache: request.noCache,
    onProgress: (event) => {
      if (event.kind === 'warning') warnings.push(event.message);
      request.onProgress?.(event);
    },
  };

  let fromSpec: SourceSpec = parseSourceSpec(request.from);
  const toSpec: SourceSpec = parseSourceSpec(request.to);
  if (request.mergeBase) {
    if (fromSpec.kind !== 'git' || toSpec.kind !== 'git' || fromSpec.guessed || toSpec.guessed) {
      throw messages.createError('error.MergeBaseNeedsGit', [request.from, request.to], [], ExitCode.BadInput);
    }
    fromSpec = await mergeBaseSpec(fromSpec, toSpec, options.repoDir ?? project.dir);
  }

  const region = request.region ? await loadRegion(project.dir, request.region, request.stage) : undefined;
  // A work tree in the middle of a merge holds conflict markers: refuse it rather than diff half-merged files.
  const folders = [fromSpec, toSpec].filter((spec) => spec.kind === 'dir').map((spec) => resolve(project.dir, spec.value));
  await Promise.all(folders.filter((folder) => existsSync(folder)).map((folder) => assertNoMergeInProgress(folder)));
  const [from, read] = await readBoth(fromSpec, toSpec, options, Boolean(region));
  // The result's and the manifests' version: `to`'s own first, as it is what gets deployed.
  const ownApiVersion = sourcesApiVersion(project, [read, from]);
  // The fallback's warning only when nothing better was found.
  if (!ownApiVersion) warnings.unshift(...project.warnings);
  const apiVersion = ownApiVersion ?? project.apiVersion;
  const to = apiVersion === read.apiVersion ? read : { ...read, apiVersion };
  warnings.push(...[from, to].filter((snapshot) => snapshot.unclassified.length).map(unclassifiedWarning));

  // With no project around, the registry that classified `to` (a ref's own project's), so names come out the same.
  const registry = project.hasProjectFile ? registryFor(project.dir) : to.registry ?? registryFor();
  if (outputDir) {
    guardOutputDir(outputDir, [from, to]);
    assertOutputDirUsable(outputDir);
  }
  const { changeset, manifests, written } = await compareAndWrite(from, to, {
    registry,
    apiVersion,
    strict: request.strict,
    outputDir,
    copySources: request.copySources,
    onProgress: request.onProgress,
    ...(region ? { compare: () => regionDiff(from, to, region, { projectDir: project.dir, stage: request.stage, strict: request.strict, env: request.env, underlying: region.underlying }) } : {}),
  });
  return toDiffResult(changeset, { warnings: [...warnings, ...changeset.warnings, ...flowDeletionWarnings(manifests)], notDeletable: manifests.notDeletable, manifests: written });
}

function unclassifiedWarning(snapshot: Snapshot): string {
  const { unclassified } = snapshot;
  const shown = unclassified.slice(0, 3).map((file) => file.path).join(', ') + (unclassified.length > 3 ? ', …' : '');
  return `${unclassified.length} file(s) in ${snapshot.source.spec} are not metadata the registry knows: ${shown}`;
}

/**
 * Two refs of one repository are read on the fast path (only paths whose blob ids differ). A region-aware diff needs
 * whole snapshots: the overlay is applied to all of `from`, and rules about untouched components must find them.
 */
async function readBoth(from: SourceSpec, to: SourceSpec, options: ReadOptions, whole: boolean): Promise<[Snapshot, Snapshot]> {
  if (!whole) return readSourcePair(from, to, options);
  const [a, b] = await Promise.all([readSource(from, { ...options, sourceDirsMayBeMissing: true }), readSource(to, options)]);
  return [scopeToTarget(a, b, options.onProgress), b];
}

async function loadRegion(
  projectDir: string,
  name: string,
  stage: string | undefined
): Promise<Parameters<typeof regionDiff>[2] & { readonly underlying: readonly Overlay[] }> {
  const config = await loadFederateConfig(projectDir);
  if (!config) throw messages.createError('error.NoConfig', [projectDir], [], ExitCode.BadInput);
  const region = config.regions[name];
  if (!region) {
    throw messages.createError('error.UnknownRegion', [name, `${projectDir}/federate.yml`], [Object.keys(config.regions).join(', ')], ExitCode.BadInput);
  }
  // As overlay apply and check do: a misspelt stage would give every per-stage value its default, unnoticed.
  checkStage(config, name, stage);
  return { ...region, name, underlying: await ancestorOverlays(projectDir, config, name) };
}

/** Refuses an output folder inside a folder being compared: the next run would read its own output. */
function guardOutputDir(outputDir: string, snapshots: readonly Snapshot[]): void {
  for (const snapshot of snapshots) {
    if (snapshot.source.kind !== 'dir') continue;
    const root = snapshot.source.label;
    for (const dir of snapshot.packageDirs) {
      const packageDir = resolve(root, dir);
      if (outputDir === packageDir || outputDir.startsWith(packageDir + '/')) {
        throw messages.createError('error.OutputDirInsideSource', [outputDir, packageDir], [], ExitCode.BadInput);
      }
    }
  }
}
