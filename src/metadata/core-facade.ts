import { createRequire } from 'node:module';

/*
 * A few of SDR's modules (the registry's variants.js, utils/path.js) `require('@salesforce/core')`, whose index also
 * loads the org, auth and jsforce modules: about 0.3 s of start-up on every git delta, for a read that uses only
 * Messages, SfError, Lifecycle, Logger and SfProject. While those SDR modules load (`whileLoadingSdr`), the index
 * they get is a facade that takes each of these from its own module (the very class the index re-exports, so
 * singletons such as Lifecycle stay one) and anything else from the real index, loaded then. Once they are loaded the
 * facade leaves the module cache: whoever asks for the index later gets the real one. Inside the sf CLI the index is
 * loaded already, and SDR gets it as usual.
 */

const require = createRequire(import.meta.url);

/** The members SDR's reading modules use, and the module of @salesforce/core that defines each. */
const OWN_MODULES: Readonly<Record<string, string>> = {
  Messages: '@salesforce/core/messages',
  SfError: '@salesforce/core/sfError',
  Lifecycle: '@salesforce/core/lifecycle',
  Logger: '@salesforce/core/logger',
  SfProject: '@salesforce/core/project',
};

/** Runs `load` (requires of SDR's modules) with the facade in place of @salesforce/core's index, if that is not loaded. */
export function whileLoadingSdr<T>(load: () => T): T {
  let indexPath: string;
  try {
    indexPath = require.resolve('@salesforce/core');
  } catch {
    return load();
  }
  if (require.cache[indexPath]) return load();
  const facade = facadeModule(indexPath);
  require.cache[indexPath] = facade;
  try {
    return load();
  } finally {
    if (require.cache[indexPath] === facade) delete require.cache[indexPath];
  }
}

/** Whether @salesforce/core's index has been loaded in this process (for a test). */
export function coreIndexLoaded(): boolean {
  return require.cache[require.resolve('@salesforce/core')] !== undefined;
}

function facadeModule(indexPath: string): NodeJS.Module {
  const facade = { id: indexPath, filename: indexPath, loaded: true, children: [], paths: [] } as unknown as NodeJS.Module;
  facade.exports = new Proxy({} as Record<string | symbol, unknown>, {
    get(target, name): unknown {
      const own = typeof name === 'string' ? OWN_MODULES[name] : undefined;
      if (own) return (require(own) as Record<string, unknown>)[name as string];
      // A member SDR's reading modules do not use: the real index, out of the facade's way first.
      if (require.cache[indexPath] === facade) delete require.cache[indexPath];
      return (require(indexPath) as Record<string | symbol, unknown>)[name];
    },
  });
  return facade;
}
