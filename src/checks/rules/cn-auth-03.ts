import { chinaCounterpart, GLOBAL_HOST_SOURCE } from '../hosts.js';
import { patchFix, textFix } from '../fix.js';
import { forEachXml, located } from '../support.js';
import { addressOf, descendants } from '../xml-scan.js';
import type { Rule } from '../types.js';

const GLOBAL_HOST = new RegExp(GLOBAL_HOST_SOURCE, 'i');

/** CN-AUTH-03: SAML single sign-on settings that name the global My Domain. */
const rule: Rule = {
  id: 'CN-AUTH-03',
  title: 'SAML SSO settings reference the global instance',
  help:
    'SamlSsoConfig login, logout, issuer and Salesforce login URLs must be those of the China My Domain; a global My Domain there breaks single sign-on to the China org.',
  defaultSeverity: 'error',
  bound: ['china'],
  async check(context, emit) {
    await forEachXml(context, ['SamlSsoConfig'], (component, xml) => {
      for (const element of descendants(xml.root)) {
        if (element.children.length || !element.text) continue;
        const match = GLOBAL_HOST.exec(element.text);
        if (!match) continue;
        const host = match[0].toLowerCase();
        const counterpart = chinaCounterpart(host);
        emit({
          message: `${component.key} ${element.name} references the global host ${host}.`,
          component: component.key,
          ...located(xml, element),
          fix: counterpart
            ? patchFix(context, `Set the China value in the ${context.region} overlay.`, component.key, addressOf(element), element.text.split(match[0]).join(counterpart))
            : textFix('Set the China My Domain value in the China overlay.'),
        });
      }
    });
  },
};
export default rule;
