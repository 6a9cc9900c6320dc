import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExitCode } from '../exit-codes.js';
import { atOwnApiVersion, resolveProject } from '../metadata/project-context.js';
import { registryFor } from '../metadata/registry.js';
import { parseSourceSpec, readSource } from '../metadata/sources/index.js';
import type { ProgressListener, Snapshot } from '../metadata/types.js';
import { requireFederateConfig, requireRegion } from '../pipeline/config.js';
import { applyOverlay } from './apply.js';
import { captureOverlay, type CapturedRule } from './capture.js';
import { overlayMessages as messages } from './messages.js';
import { atProjectPaths } from './project-folder.js';
import { ancestorOverlays, applyInTurn, loadRegionOverlay } from './region-diff.js';
import { checkOverlayStages, checkStage } from './stages.js';
import type { OverlayReport } from './types.js';
import { assertOutputUsable, writeSnapshot } from './write.js';

export type OverlayApplyRequest = {
  readonly cwd: string;
  readonly region: string;
  readonly stage?: string;
  /** The base: `dir:PATH`, `git:REF`, `org:ALIAS` (default: the project, `dir:.`). */
  readonly source?: string;
  readonly outputDir: string;
  readonly strict?: boolean;
  readonly apiVersion?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly onProgress?: ProgressListener;
};

/** `sf federate overlay apply --json` (schemas/overlay-apply-result.schema.json). */
export type OverlayApplyResult = {
  readonly region: string;
  readonly stage?: string;
  readonly source: string;
  readonly outputDir: string;
  readonly format: 'source' | 'metadata';
  readonly files: number;
  readonly components: number;
  readonly report: OverlayReport;
  readonly warnings: readonly string[];
};

/** Reads the base, applies the region's overlay for a stage, writes a deployable tree: all or nothing. */
export async function runOverlayApply(request: OverlayApplyRequest): Promise<OverlayApplyResult> {
  const project = resolveProject(request.cwd, request.apiVersion);
  const config = await requireFederateConfig(project.dir);
  const region = requireRegion(config, request.region);
  checkStage(config, request.region, request.stage);
  if (!region.overlay) throw messages.createError('error.NoOverlayForRegion', [region.name, config.file], [region.name], ExitCode.BadInput);
  const overlay = await loadRegionOverlay(project.dir, region);
  checkOverlayStages(config, overlay);
  const registry = registryFor(project.hasProjectFile ? project.dir : undefined);
  const warnings: string[] = [];
  const read = await readSource(parseSourceSpec(request.source ?? 'dir:.'), {
    apiVersion: project.apiVersion,
    projectDir: project.dir,
    onProgress: (event) => {
      if (event.kind === 'warning') warnings.push(event.message);
      request.onProgress?.(event);
    },
  });
  // The tree is deployed at the version the source pins in its own sfdx-project.json (another project folder, a git
  // ref), as diff's manifests are: its sourceApiVersion (metadata format: package.xml's version) says so.
  const pinned = atOwnApiVersion(project, read);
  warnings.unshift(...pinned.warnings);
  const outputDir = resolve(request.cwd, request.outputDir);
  guardOutput(outputDir, read);
  assertOutputUsable(outputDir);
  // A folder of the project (dir:force-app) is built at its place in the project, with only its part of files/.
  const { snapshot: base, folder } = atProjectPaths(pinned.snapshot, project.dir, project.project?.packageDirs ?? []);
  // A region based on another gets that region's overlay first (federate.yml base:), as check and diff --region do.
  const applyOptions = { stage: request.stage, env: request.env, strict: request.strict, registry, onProgress: request.onProgress, within: folder };
  const ancestors = await ancestorOverlays(project.dir, config, region.name);
  for (const ancestor of ancestors) checkOverlayStages(config, ancestor);
  const underneath = await applyInTurn(base, ancestors, applyOptions);
  const { snapshot, report: own } = await applyOverlay(underneath.snapshot, overlay, applyOptions);
  const report = { ...own, warnings: [...underneath.results.flatMap((result) => result.report.warnings), ...own.warnings] };
  request.onProgress?.({ kind: 'phase', message: messages.getMessage('progress.Writing', [outputDir]) });
  const written = await writeSnapshot(snapshot, outputDir, { registry, projectJson: projectJsonOf(read, project.dir) });
  return {
    region: region.name,
    stage: request.stage,
    source: base.source.spec,
    outputDir,
    format: written.format,
    files: written.files,
    components: snapshot.components.size,
    report,
    warnings: [...warnings, ...report.warnings],
  };
}

export type OverlayCaptureRequest = {
  readonly cwd: string;
  readonly region: string;
  readonly from: string;
  readonly to: string;
  readonly stage?: string;
  readonly dryRun?: boolean;
  readonly apiVersion?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly onProgress?: ProgressListener;
};

export type OverlayCaptureResult = {
  readonly region: string;
  readonly from: string;
  readonly to: string;
  readonly overlayFile: string;
  readonly dryRun: boolean;
  readonly rules: readonly CapturedRule[];
  readonly files: readonly string[];
  readonly unexplained: readonly string[];
  /** Rules the region has not received yet (not promoted), left as written. */
  readonly notPromoted: readonly string[];
};

/** Reads both sources and turns the drift the overlay does not explain into overlay rules. */
export async function runOverlayCapture(request: OverlayCaptureRequest): Promise<OverlayCaptureResult> {
  const project = resolveProject(request.cwd, request.apiVersion);
  const config = await requireFederateConfig(project.dir);
  const region = requireRegion(config, request.region);
  checkStage(config, request.region, request.stage);
  const overlayDir = join(project.dir, region.overlay ?? join('overlays', region.name));
  if (region.overlay && existsSync(join(overlayDir, 'overlay.yml'))) checkOverlayStages(config, await loadRegionOverlay(project.dir, region));
  const registry = registryFor(project.hasProjectFile ? project.dir : undefined);
  const options = { apiVersion: project.apiVersion, projectDir: project.dir, onProgress: request.onProgress };
  const [global, to] = await Promise.all([readSource(parseSourceSpec(request.from), options), readSource(parseSourceSpec(request.to), options)]);
  // What the regions this one is based on make of `from` is its starting point: only the drift from there is its own.
  const applyOptions = { stage: request.stage, env: request.env, registry, lenientEnv: true };
  const from = (await applyInTurn(global, await ancestorOverlays(project.dir, config, region.name), applyOptions)).snapshot;
  const result = await captureOverlay(from, to, {
    overlayDir,
    packageDirs: project.project?.packageDirs ?? [],
    stage: request.stage,
    env: request.env,
    registry,
    dryRun: request.dryRun,
    onProgress: request.onProgress,
  });
  return {
    region: region.name,
    from: from.source.spec,
    to: to.source.spec,
    overlayFile: result.overlayFile,
    dryRun: result.dryRun,
    rules: result.rules,
    files: result.files,
    unexplained: result.unexplained,
    notPromoted: result.notPromoted,
  };
}

/** The output must not be inside a package directory of a folder source: the next read would include it. */
function guardOutput(outputDir: string, base: Snapshot): void {
  if (base.source.kind !== 'dir') return;
  for (const dir of base.packageDirs) {
    const packageDir = resolve(base.source.label, dir);
    if (outputDir === packageDir || outputDir.startsWith(`${packageDir}/`) || (dir === '.' && outputDir.startsWith(`${packageDir}/`))) {
      throw messages.createError('error.OutputInsideSource', [outputDir, packageDir], [], ExitCode.BadInput);
    }
  }
}

/**
 * The sfdx-project.json text the base is deployed with (package directories, replacements, aliases…): its own (a
 * project folder's, a git ref's as it is at that ref, a source folder's project at the ref), else the project's.
 */
function projectJsonOf(base: Snapshot, projectDir: string): string | undefined {
  if (base.projectText !== undefined) return base.projectText;
  const file = join(projectDir, 'sfdx-project.json');
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}
