import { overlayFix } from '../fix.js';
import { elementHost, forEachXml, located } from '../support.js';
import { child } from '../xml-scan.js';
import { namedCredentialEndpoints } from '../named-credentials.js';
import type { Rule } from '../types.js';

const FLAGS = ['allowMergeFieldsInBody', 'allowMergeFieldsInHeader'];

/** CN-CBDT-03: merge fields enabled on a Named Credential toward an offshore endpoint. */
const rule: Rule = {
  id: 'CN-CBDT-03',
  title: 'Merge fields sent to an offshore endpoint',
  help:
    'allowMergeFieldsInBody/allowMergeFieldsInHeader let Apex put record data (merge fields) into callouts; toward an endpoint outside the mainland that is a cross-border transfer of org data. ' +
    'Turn them off in the China overlay or point the credential at a mainland endpoint.',
  defaultSeverity: 'error',
  bound: ['china'],
  async check(context, emit) {
    await forEachXml(context, ['NamedCredential'], (component, xml) => {
      const offshore = namedCredentialEndpoints(xml)
        .map((element) => elementHost(element))
        .find((host) => host !== undefined && !context.hosts.isMainland(host));
      if (!offshore) return;
      for (const flag of FLAGS) {
        const element = child(xml.root, flag);
        if (element?.text.toLowerCase() !== 'true') continue;
        emit({
          message: `${component.key} sends merge fields (${flag}) to ${offshore}, outside the mainland.`,
          component: component.key,
          ...located(xml, element),
          fix: overlayFix(context, `Turn ${flag} off in the ${context.region} overlay (or point the credential at a mainland endpoint).`, {
            patches: [{ component: component.key, path: flag, set: 'false' }],
          }),
        });
      }
    });
  },
};
export default rule;
