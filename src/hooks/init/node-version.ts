import type { Hook } from '@oclif/core';
import { isNodeVersionSupported } from '../../node-version.js';
import { UNSUPPORTED_NODE_EXIT_CODE, unsupportedNode, unsupportedNodeJson, wantsJson } from '../../node-version-guard.js';

/*
 * Inside the sf CLI: init hooks run after oclif has read the plugins' manifests and before the command's module is
 * imported, so an unsupported Node gets our error and exit 2 instead of undici's TypeError as the command loads.
 * Only for sf-federate's own commands (every one is in the `federate` topic, in any order flexible taxonomy allows):
 * `sf --version` or `sf plugins uninstall sf-federate` must still work where they did. Without an
 * oclif.manifest.json (a linked clone built with tsc only), oclif imports every command while it loads the plugin,
 * before any hook runs, and undici's TypeError comes first (README, "Limits"). The `@oclif/core` import is a type only.
 */
const hook: Hook.Init = async function ({ id, argv }) {
  if (!id?.split(/[: ]/).includes('federate')) return;
  const found = process.versions.node;
  if (isNodeVersionSupported(found)) return;
  const error = await unsupportedNode(found);
  if (wantsJson(argv)) {
    process.stdout.write(unsupportedNodeJson(error));
    this.exit(UNSUPPORTED_NODE_EXIT_CODE);
  }
  this.error(error.line, { exit: UNSUPPORTED_NODE_EXIT_CODE });
};

export default hook;
