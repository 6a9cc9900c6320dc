import { excludeFix } from '../fix.js';
import { hostOf } from '../hosts.js';
import { forEachXml, located } from '../support.js';
import { child } from '../xml-scan.js';
import type { Rule } from '../types.js';

/** Identity providers outside the mainland (social and global IdPs). */
const GLOBAL_PROVIDERS = new Set(['facebook', 'google', 'linkedin', 'twitter', 'janrain', 'salesforce', 'microsoftacs', 'github', 'apple', 'slack', 'openidconnect_google']);
const URLS = ['authorizeUrl', 'tokenUrl', 'userInfoUrl', 'defaultScopes', 'logoutUrl', 'ssoKickoffUrl', 'iconUrl'];

/** CN-AUTH-02: auth providers that send China users to global or social identity providers. */
const rule: Rule = {
  id: 'CN-AUTH-02',
  title: 'Global or social identity provider in the China org',
  help:
    'Auth providers of type Facebook, Google, LinkedIn, Twitter, GitHub, Apple, Slack, Salesforce (global) or Microsoft, or whose authorize/token/user info URLs are offshore, ' +
    'are usually unreachable from the mainland and move identity data abroad. Exclude them in the China overlay or replace them with a mainland provider (WeChat, WeCom, DingTalk, an OpenID Connect IdP in China).',
  defaultSeverity: 'warn',
  bound: ['china'],
  async check(context, emit) {
    await forEachXml(context, ['AuthProvider'], (component, xml) => {
      const type = child(xml.root, 'providerType');
      const fix = excludeFix(context, `Exclude the provider in the ${context.region} overlay, or point it at a mainland identity provider.`, component.key);
      if (type && GLOBAL_PROVIDERS.has(type.text.toLowerCase())) {
        emit({ message: `${component.key} is a ${type.text} identity provider, outside the mainland.`, component: component.key, ...located(xml, type), fix });
        return;
      }
      for (const name of URLS) {
        const element = child(xml.root, name);
        const host = element ? hostOf(element.text) : undefined;
        if (element && host && !context.hosts.isMainland(host)) {
          emit({ message: `${component.key} ${name} is offshore (${host}).`, component: component.key, ...located(xml, element), fix });
          return;
        }
      }
    });
  },
};
export default rule;
