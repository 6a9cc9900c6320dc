// The library entry point: the services behind the commands, for scripts and other plugins.
export type { Component, ComponentKey, Snapshot, SnapshotFile, SourceInfo, ProgressEvent } from './metadata/types.js';
export type { Change, Changeset, ElementChange } from './compare/types.js';
export type { DiffResult } from './compare/result.js';
export { parseSourceSpec, readSource } from './metadata/sources/index.js';
export { compareSnapshots } from './compare/compare.js';
export { buildManifests, writeManifests } from './compare/manifests.js';
export { runDiff } from './compare/run-diff.js';
export { applyOverlay } from './overlay/apply.js';
export { loadOverlay } from './overlay/load.js';
export { regionDiff } from './overlay/region-diff.js';
export { loadFederateConfig } from './pipeline/config.js';
export { runCheck } from './checks/run-check.js';
export { ExitCode } from './exit-codes.js';
