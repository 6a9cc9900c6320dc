import { patchFix, textFix } from '../fix.js';
import { forEachXml, located } from '../support.js';
import { child } from '../xml-scan.js';
import type { Rule } from '../types.js';

/** CN-SEC-01: remote sites that allow plain HTTP. */
const rule: Rule = {
  id: 'CN-SEC-01',
  title: 'Remote site disables protocol security',
  help: 'disableProtocolSecurity=true lets Apex call the site over plain HTTP and send session data unencrypted. Use HTTPS and set it to false.',
  defaultSeverity: 'warn',
  bound: ['china', 'global'],
  async check(context, emit) {
    await forEachXml(context, ['RemoteSiteSetting'], (component, xml) => {
      const flag = child(xml.root, 'disableProtocolSecurity');
      if (flag?.text.toLowerCase() !== 'true') return;
      emit({
        message: `${component.key} allows callouts without HTTPS (disableProtocolSecurity=true).`,
        component: component.key,
        ...located(xml, flag),
        fix:
          context.bound === 'china'
            ? patchFix(context, `Use HTTPS and turn it off (in the source, or in the ${context.region} overlay):`, component.key, 'disableProtocolSecurity', 'false')
            : textFix(`Use HTTPS and set disableProtocolSecurity to false in ${context.projectPath(xml.path)}.`),
      });
    });
  },
};
export default rule;
