import { join } from 'node:path';
import type { RegistryAccess } from '@salesforce/source-deploy-retrieve';
import picomatch from 'picomatch';
import { compareSnapshots } from '../compare/compare.js';
import type { Change, Changeset, Classification } from '../compare/types.js';
import { readProjectFile } from '../metadata/project.js';
import { registryFor } from '../metadata/registry.js';
import type { ProgressListener, Snapshot } from '../metadata/types.js';
import type { FederateConfig, RegionConfig } from '../pipeline/config.js';
import { applyOverlay, type ApplyResult, type UnevaluatedPatch } from './apply.js';
import { overlaySecrets, redacted } from './secrets.js';
import { unevaluatedPatchOf, withUnevaluatedShown } from './unevaluated.js';
import { loadOverlay } from './load.js';
import { atProjectPaths, isFolderRelative, regionSideAtProjectPaths } from './project-folder.js';
import type { Overlay, OverlayReport } from './types.js';
import { overlayMessages } from './messages.js';

export type RegionDiffOptions = {
  /** The project (federate.yml, sfdx-project.json, the overlay folder). */
  readonly projectDir: string;
  readonly stage?: string;
  readonly strict?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly registry?: RegistryAccess;
  /** An overlay already loaded (default: the region's `overlay` folder). */
  readonly overlay?: Overlay;
  /** The overlays of the regions this one is based on (ancestorOverlays), applied first. */
  readonly underlying?: readonly Overlay[];
  readonly onProgress?: ProgressListener;
};

export type ClassificationCounts = Readonly<Record<Classification, number>>;

/** The overlay of a region, or an empty one when the region has none. */
export async function loadRegionOverlay(projectDir: string, region: RegionConfig): Promise<Overlay> {
  const packageDirs = readProjectFile(projectDir)?.packageDirs ?? [];
  if (!region.overlay) return emptyOverlay(packageDirs);
  return loadOverlay(join(projectDir, region.overlay), { packageDirs });
}

/**
 * The overlays of the regions a region is based on (federate.yml `base:`), outermost first, its own left out: a
 * region based on china gets china's overlay before its own, in apply, diff --region, capture and check alike.
 */
export async function ancestorOverlays(projectDir: string, config: FederateConfig, name: string): Promise<Overlay[]> {
  const chain: string[] = [];
  for (let at = config.regions[name]?.base; at && at !== name && !chain.includes(at); at = config.regions[at]?.base) chain.unshift(at);
  const overlays: Overlay[] = [];
  // eslint-disable-next-line no-await-in-loop -- few regions, loaded in order
  for (const region of chain) if (config.regions[region]?.overlay) overlays.push(await loadRegionOverlay(projectDir, config.regions[region]));
  return overlays;
}

/** Applies overlays one over the other (ancestorOverlays); what needs a secret it lacks is collected, not failed, when lenient. */
export async function applyInTurn(base: Snapshot, overlays: readonly Overlay[], options: Parameters<typeof applyOverlay>[2]): Promise<{ snapshot: Snapshot; results: ApplyResult[] }> {
  let snapshot = base;
  const results: ApplyResult[] = [];
  for (const overlay of overlays) {
    // eslint-disable-next-line no-await-in-loop -- each overlay applies over the result of the previous one
    const result = await applyOverlay(snapshot, overlay, options);
    results.push(result);
    snapshot = result.snapshot;
  }
  return { snapshot, results };
}

export function emptyOverlay(packageDirs: readonly string[] = []): Overlay {
  return { file: '(no overlay)', exclude: [], patches: [], replace: [], values: [], files: [], packageDirs, replacementFiles: new Map() };
}

/**
 * A diff between a global source (`from`) and a region source (`to`), each change classified:
 * - `overlay`: applying the region's overlay to `from` produces it (it is gone from compare(apply(from), to));
 * - `region-owned`: it lies in what the region owns (federate.yml `owns` globs, or components of the overlay's files/);
 * - `drift`: unexplained;
 * - `not-promoted`: the overlay says the region should have something the region does not (yet) have.
 * Unset environment values skip the rules that use them (the diff never needs secrets).
 */
export async function regionDiff(from: Snapshot, to: Snapshot, region: RegionConfig & { readonly name: string }, options: RegionDiffOptions): Promise<Changeset> {
  const projectFile = readProjectFile(options.projectDir);
  const registry = options.registry ?? registryFor(projectFile ? options.projectDir : undefined);
  const overlay = options.overlay ?? (await loadRegionOverlay(options.projectDir, region));
  options.onProgress?.({ kind: 'phase', message: overlayMessages.getMessage('progress.ApplyingTo', [region.name, from.source.spec]) });
  // A folder of the project (--from dir:pkg2) is compared at its place in the project, with only its part of files/,
  // as overlay apply builds it: the files/ of other package directories are not the region's version of this folder.
  const fromBase = atProjectPaths(from, options.projectDir, projectFile?.packageDirs ?? []);
  const { snapshot: global, folder } = fromBase;
  // The region's side is seen at project paths too, so that `owns` path globs meet both sides at the same paths.
  const side = regionSideAtProjectPaths(to, options.projectDir, projectFile?.packageDirs ?? [], fromBase);
  const applyOptions = { stage: options.stage, env: options.env, registry, lenientEnv: true, within: folder };
  const underneath = await applyInTurn(global, options.underlying ?? [], applyOptions);
  const applied = await applyOverlay(underneath.snapshot, overlay, applyOptions);
  const unevaluated = [...underneath.results.flatMap((result) => result.unevaluated), ...applied.unevaluated];
  const [all, residual] = await Promise.all([
    compareSnapshots(global, side.snapshot, { strict: options.strict, registry }),
    compareSnapshots(applied.snapshot, side.snapshot, { strict: options.strict, registry }),
  ]);
  const projectPaths = { from: !isFolderRelative(global), to: side.projectPaths };
  const classified = classifyChanges(all, residual, { owns: region.owns, overlay, report: applied.report, regionOwnedKeys: overlayFileKeys(applied.report), unevaluated, projectPaths });
  // The applied text holds what the overlay read from the environment, and the region may hold the same secrets:
  // shown as the overlay writes them.
  const secrets = new Map([...(options.underlying ?? []), overlay].flatMap((each) => [...overlaySecrets(each, options.env ?? process.env)]));
  return redacted(classified, secrets);
}

export type ClassifyContext = {
  readonly owns: readonly string[];
  readonly overlay: Overlay;
  readonly report?: OverlayReport;
  /** Components the overlay's files/ provide. */
  readonly regionOwnedKeys?: ReadonlySet<string>;
  /** Patches skipped for want of a secret: what they set is not drift (see unevaluated.ts). */
  readonly unevaluated?: readonly UnevaluatedPatch[];
  /** Which sides have project-relative paths `owns` path globs can judge (default: both). */
  readonly projectPaths?: OwnsSides;
};

/**
 * Classifies `all` = compare(from, to) with `residual` = compare(apply(from), to). A change partly explained by
 * the overlay is drift, and keeps only its unexplained elements.
 */
export function classifyChanges(all: Changeset, residual: Changeset, context: ClassifyContext): Changeset {
  const left = new Map(residual.changes.map((change) => [change.key, change]));
  const owned = ownsMatcher(context.owns, context.projectPaths);
  const fileKeys = context.regionOwnedKeys ?? new Set<string>();
  const changes: Change[] = [];
  const patchAt = unevaluatedPatchOf(context.unevaluated ?? []);
  for (const shown of all.changes) {
    const change = withUnevaluatedShown(shown, patchAt);
    let rest = left.get(change.key);
    left.delete(change.key);
    if (rest && rest.kind === 'changed' && rest.elements.length) {
      const judged = rest.elements.filter((element) => !patchAt(rest!.key, element.path));
      rest = judged.length ? { ...rest, elements: judged } : undefined;
    }
    if (!rest) {
      changes.push({ ...change, classification: 'overlay' });
      continue;
    }
    const isOwned = owned(change) || fileKeys.has(change.key) || (change.parent !== undefined && fileKeys.has(change.parent));
    const classification: Classification = isOwned ? 'region-owned' : 'drift';
    if (change.kind === 'changed' && rest.kind === 'changed' && change.elements.length) {
      const paths = new Set(rest.elements.map((element) => element.path));
      const kept = change.elements.filter((element) => paths.has(element.path));
      changes.push({ ...change, elements: kept.length ? kept : rest.elements, files: rest.files, classification });
    } else {
      changes.push({ ...change, classification });
    }
  }
  for (const change of left.values()) {
    // compare(apply(from), to) only: the overlay wants something the region does not have.
    changes.push({ ...withUnevaluatedShown(change, patchAt), classification: owned(change) ? 'region-owned' : 'not-promoted' });
  }
  const warnings = [...all.warnings, ...(context.report?.warnings ?? [])];
  return { ...all, changes: changes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)), warnings };
}

/** How many changes of each classification (`--exit-code` counts `drift`). */
export function countClassifications(changeset: Changeset): ClassificationCounts {
  const counts: Record<Classification, number> = { overlay: 0, 'region-owned': 0, 'not-promoted': 0, drift: 0 };
  for (const change of changeset.changes) if (change.classification) counts[change.classification]++;
  return counts;
}

function overlayFileKeys(report: OverlayReport): Set<string> {
  const keys = new Set<string>();
  for (const rule of report.rules) if (rule.kind === 'file' && rule.touched.length) keys.add(rule.touched.find((entry) => entry.includes(':') && !entry.includes('/')) ?? '');
  keys.delete('');
  return keys;
}

/** Which sides of a change have project-relative paths. */
export type OwnsSides = { readonly from: boolean; readonly to: boolean };

/**
 * `owns` entries: path globs (project-relative) or `Type:NameGlob`. Path globs judge the paths of the sides that have
 * project paths only: a folder read on its own (`main/default/…`) cannot say which package directory it is, and
 * matching it under every one would make `force-app/**` own pkg2's copy (regionSideAtProjectPaths places it when it can).
 */
export function ownsMatcher(owns: readonly string[], sides: OwnsSides = { from: true, to: true }): (change: Change) => boolean {
  if (!owns.length) return () => false;
  const keyGlobs = owns.filter((entry) => /^[A-Z][A-Za-z0-9]*:/.test(entry)).map((entry) => picomatch(entry, { dot: true }));
  const pathGlobs = owns.filter((entry) => !/^[A-Z][A-Za-z0-9]*:/.test(entry)).map((entry) => picomatch(entry, { dot: true }));
  return (change) => {
    // A component the region owns owns its children too (the fields of a CustomObject:CN_* it owns), as exclude does.
    if (keyGlobs.some((glob) => glob(change.key) || (change.parent !== undefined && glob(change.parent)))) return true;
    const paths = [...(sides.from ? change.fromPaths ?? [] : []), ...(sides.to ? change.toPaths ?? [] : [])];
    return paths.length > 0 && paths.every((path) => pathGlobs.some((glob) => glob(path)));
  };
}
