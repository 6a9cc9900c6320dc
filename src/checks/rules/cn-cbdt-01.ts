import { overlayFix } from '../fix.js';
import { forEachXml, isActive, offshoreEndpoint, productionSeverity } from '../support.js';
import { child } from '../xml-scan.js';
import type { Rule } from '../types.js';

/** CN-CBDT-01: active remote sites outside the mainland allow-list (cross-border data transfer). */
const rule: Rule = {
  id: 'CN-CBDT-01',
  title: 'Remote site outside the mainland allow-list',
  help:
    'An active Remote Site Setting lets Apex call a host outside mainland China: a cross-border transfer of whatever the callout sends (PIPL, Data Security Law). ' +
    'Point it at a mainland endpoint in the China overlay, deactivate or exclude it, add the host to checks.allowHosts if it is in the mainland, ' +
    'or accept the finding with the reason (e.g. the PIPL assessment or standard contract that covers it). Warn; error for production stages.',
  defaultSeverity: 'warn',
  bound: ['china'],
  async check(context, emit) {
    await forEachXml(context, ['RemoteSiteSetting'], (component, xml) => {
      const url = child(xml.root, 'url');
      if (!url || !isActive(xml.root)) return;
      offshoreEndpoint(
        context,
        emit,
        component,
        xml,
        url,
        (host) => `${component.key} is an active remote site outside the mainland (${host}): Apex callouts to it transfer data across the border.`,
        (host) =>
          overlayFix(context, `Deactivate it in the ${context.region} overlay (or set url to a mainland endpoint, exclude it, add ${host} to checks.allowHosts if it is in the mainland, or accept it with the reason).`, {
            patches: [{ component: component.key, path: 'isActive', set: 'false', reason: `No callouts to ${host} from the China org` }],
          }),
        productionSeverity(context)
      );
    });
  },
};
export default rule;
