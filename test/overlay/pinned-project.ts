const D = 'force-app/main/default';

/** A project with a china overlay, pinned to `version`, holding a class on the retired API version 30.0. */
export function pinnedProject(version: string): Record<string, string> {
  return {
    'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: version }, null, 2),
    'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china }\n',
    'overlays/china/overlay.yml': 'exclude: []\n',
    [`${D}/classes/Old.cls`]: 'public class Old { }\n',
    [`${D}/classes/Old.cls-meta.xml`]: '<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">\n    <apiVersion>30.0</apiVersion>\n    <status>Active</status>\n</ApexClass>\n',
  };
}
