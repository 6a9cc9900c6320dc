import { patchFix } from '../fix.js';
import { forEachXml, MAINLAND_PLACEHOLDER, offshoreEndpoint, productionSeverity } from '../support.js';
import { addressOf } from '../xml-scan.js';
import type { Rule } from '../types.js';
import { namedCredentialEndpoints } from '../named-credentials.js';

/** CN-CBDT-02: Named Credential endpoints outside the mainland allow-list. */
const rule: Rule = {
  id: 'CN-CBDT-02',
  title: 'Named Credential endpoint outside the mainland allow-list',
  help:
    'A Named Credential whose endpoint (legacy `endpoint`, or the `Url` parameter of the new format) is outside mainland China makes every callout through it a cross-border transfer. ' +
    'Set the China endpoint in the overlay (a patch, printed ready to paste), add the host to checks.allowHosts if it is in the mainland, or accept the finding with the reason. Warn; error for production stages.',
  defaultSeverity: 'warn',
  bound: ['china'],
  async check(context, emit) {
    await forEachXml(context, ['NamedCredential'], (component, xml) => {
      for (const element of namedCredentialEndpoints(xml)) {
        offshoreEndpoint(
          context,
          emit,
          component,
          xml,
          element,
          (host) => `${component.key} endpoint is outside the mainland (${host}): callouts through it transfer data across the border.`,
          () => patchFix(context, `Point the China org at a mainland endpoint in the ${context.region} overlay.`, component.key, addressOf(element), MAINLAND_PLACEHOLDER),
          productionSeverity(context)
        );
      }
    });
  },
};
export default rule;
