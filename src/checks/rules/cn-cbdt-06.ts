import { overlayFix } from '../fix.js';
import { forEachXml, isActive, offshoreEndpoint } from '../support.js';
import { child } from '../xml-scan.js';
import type { Rule } from '../types.js';

/** CN-CBDT-06: CSP trusted sites that load browser resources from offshore hosts. */
const rule: Rule = {
  id: 'CN-CBDT-06',
  title: 'CSP trusted site outside the mainland',
  help:
    'A CSP Trusted Site lets Lightning pages load fonts, scripts, analytics or CDN content from its host. Offshore hosts are often slow or blocked on the mainland and ' +
    'analytics send user data abroad. Deactivate or replace it in the China overlay (a mainland CDN), or add the host to checks.allowHosts.',
  defaultSeverity: 'warn',
  bound: ['china'],
  async check(context, emit) {
    await forEachXml(context, ['CspTrustedSite'], (component, xml) => {
      const url = child(xml.root, 'endpointUrl');
      if (!url || !isActive(xml.root)) return;
      offshoreEndpoint(
        context,
        emit,
        component,
        xml,
        url,
        (host) => `${component.key} lets China users' browsers load content from ${host}, outside the mainland.`,
        (host) =>
          overlayFix(context, `Deactivate it in the ${context.region} overlay (or set endpointUrl to a mainland mirror of ${host}).`, {
            patches: [{ component: component.key, path: 'isActive', set: 'false' }],
          })
      );
    });
  },
};
export default rule;
