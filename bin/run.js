#!/usr/bin/env node
// Runs the compiled plugin (lib/) as its own CLI, for development without the sf CLI. First the Node.js check: on a
// Node too old for undici 8 (which @salesforce/core loads) a one-line error and exit 2, before anything that would
// crash on it loads. Then Node's compile cache goes on before oclif loads, so that oclif's modules are cached too
// (src/compile-cache.ts).
const { exitIfNodeUnsupported } = await import('../lib/node-version-guard.js');
await exitIfNodeUnsupported();
await import('../lib/compile-cache.js');
const { execute } = await import('@oclif/core');

await execute({ dir: import.meta.url });
