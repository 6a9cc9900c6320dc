/*
 * The oldest Node.js sf-federate runs on, and the check bin/run.js and the plugin's init hook make before anything
 * that needs it loads. @salesforce/core loads jsforce, which loads undici 8: on an older Node it fails while loading
 * with a bare TypeError ("Cannot read properties of undefined (reading 'bind')") that names neither Node nor a fix.
 * This module imports nothing, so it loads on any Node.
 */

/** undici 8's floor (its engines field), as package.json's engines.node says (a test keeps the two equal). */
export const MINIMUM_NODE_VERSION = '22.19.0';

/** Whether `found` (process.versions.node, "20.20.2"; a leading "v" is allowed) is at least `minimum`. */
export function isNodeVersionSupported(found: string, minimum: string = MINIMUM_NODE_VERSION): boolean {
  const have = numbers(found);
  const need = numbers(minimum);
  for (let i = 0; i < need.length; i++) {
    if (have[i] !== need[i]) return have[i] > need[i];
  }
  return true;
}

/** "v22.19.0-pre" → [22, 19, 0]; a missing or unreadable part counts as 0. */
function numbers(version: string): [number, number, number] {
  const [major, minor, patch] = version
    .replace(/^v/, '')
    .split(/[.-]/)
    .map((part) => Number.parseInt(part, 10) || 0);
  return [major ?? 0, minor ?? 0, patch ?? 0];
}
