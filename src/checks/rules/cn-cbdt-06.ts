import { overlayFix, patchFix } from '../fix.js';
import { chinaCounterpart, isGlobalSalesforceHost } from '../hosts.js';
import { forEachXml, isActive, offshoreEndpoint, withHost } from '../support.js';
import { child } from '../xml-scan.js';
import type { Rule } from '../types.js';

/** CN-CBDT-06: CSP trusted sites that load browser resources from offshore hosts. */
const rule: Rule = {
  id: 'CN-CBDT-06',
  title: 'CSP trusted site outside the mainland',
  help:
    'A CSP Trusted Site lets Lightning pages load fonts, scripts, analytics or CDN content from its host (a wildcard such as https://*.example.com counts as the domain it covers). ' +
    'Offshore hosts are often slow or blocked on the mainland and analytics send user data abroad. Deactivate or replace it in the China overlay (a mainland CDN), or add the host to checks.allowHosts. ' +
    'A global Salesforce host (*.my.site.com, *.my.salesforce.com…) gets its China counterpart (*.sites.sfcrmapps.cn, *.my.sfcrmproducts.cn…) as the suggested endpoint.',
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
        (host) =>
          isGlobalSalesforceHost(host)
            ? `${component.key} lets China users' browsers load content from ${host}, a host of the global Salesforce instance, outside the mainland.`
            : `${component.key} lets China users' browsers load content from ${host}, outside the mainland.`,
        (host) => {
          const counterpart = isGlobalSalesforceHost(host) ? chinaCounterpart(host) : undefined;
          return counterpart
            ? patchFix(
                context,
                `Point it at the China counterpart ${counterpart} in the ${context.region} overlay (check the host with the China CoE), or deactivate it.`,
                component.key,
                'endpointUrl',
                withHost(url.text, host, counterpart)
              )
            : overlayFix(context, `Deactivate it in the ${context.region} overlay (or set endpointUrl to a mainland mirror of ${host}).`, {
                patches: [{ component: component.key, path: 'isActive', set: 'false' }],
              });
        }
      );
    });
  },
};
export default rule;
