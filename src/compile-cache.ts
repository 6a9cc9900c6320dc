import module from 'node:module';

/*
 * Imported first by every command (by bin/run.js before oclif, and by the copy thread, as a worker thread does not
 * inherit it), for its side effect: Node's on-disk compile cache (V8 code cache) is on for the modules loaded after
 * it. A command loads SDR, @salesforce/core and their dependencies, about 0.5–0.7 s of start-up on every run, much of
 * it compiling the same JavaScript again; from the second run on, the cache takes about 0.17 s off that (docs/git.md,
 * "Speed"). The Angular and Vercel CLIs do the same. The cache lives in Node's default place
 * (`<tmpdir>/node-compile-cache`, or NODE_COMPILE_CACHE), is keyed by each file's content and Node's version, and is
 * off with NODE_DISABLE_COMPILE_CACHE=1. Where Node has no such cache (before 22.1) or cannot write it, nothing
 * changes: the call returns a status instead of throwing, and a throw would only mean no cache either.
 */

type WithCompileCache = { enableCompileCache?: () => unknown };

try {
  (module as WithCompileCache).enableCompileCache?.();
} catch {
  // No cache: every module is compiled as usual.
}
