#!/usr/bin/env node
// Runs the compiled plugin (lib/) as its own CLI, for development without the sf CLI. Node's compile cache goes on
// before oclif loads, so that oclif's modules are cached too (src/compile-cache.ts).
await import('../lib/compile-cache.js');
const { execute } = await import('@oclif/core');

await execute({ dir: import.meta.url });
