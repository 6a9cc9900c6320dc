#!/usr/bin/env node
// Runs the compiled plugin (lib/) as its own CLI, for development without the sf CLI.
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
