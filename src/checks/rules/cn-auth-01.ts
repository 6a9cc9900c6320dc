import { chinaCounterpart, globalCounterpart, hostOf, isChinaSalesforceHost, isGlobalSalesforceHost } from '../hosts.js';
import { overlayFix, patchFix, textFix } from '../fix.js';
import { forEachXml, located } from '../support.js';
import { addressOf, descendants, scanXml } from '../xml-scan.js';
import type { Rule } from '../types.js';

const TYPES = ['ConnectedApp', 'ExternalClientApplication', 'ExtlClntAppOauthSettings', 'ExtlClntAppGlobalOauthSettings', 'ExtlClntAppOauthConfigurablePolicies'];
const URL_ELEMENTS = new Set(['callbackUrl', 'acsUrl', 'entityUrl', 'startUrl', 'singleLogoutUrl']);

/** CN-AUTH-01: connected app callbacks and SAML URLs that point at the other instance; one consumer key in both orgs. */
const rule: Rule = {
  id: 'CN-AUTH-01',
  title: 'Connected app callback or SAML URL on the other instance; same consumer key in both orgs',
  help:
    'OAuth callback URLs and SAML ACS/entity URLs of connected apps and external client apps must name the instance the org runs on: ' +
    'China orgs use *.sfcrmproducts.cn / *.sfcrmapps.cn, global orgs *.salesforce.com / *.force.com / *.site.com. ' +
    'A consumer key deployed to both orgs makes them one OAuth client: let the China org generate its own, or set a China key in the overlay.',
  defaultSeverity: 'warn',
  bound: ['china', 'global'],
  async check(context, emit) {
    const foreign = context.bound === 'china' ? isGlobalSalesforceHost : isChinaSalesforceHost;
    const counterpart = context.bound === 'china' ? chinaCounterpart : globalCounterpart;
    const other = context.bound === 'china' ? 'global' : 'China';
    await forEachXml(context, TYPES, async (component, xml) => {
      for (const element of descendants(xml.root).filter((candidate) => URL_ELEMENTS.has(candidate.name) && candidate.text)) {
        const urls = element.text.split(/[\s,]+/).filter(Boolean);
        const hosts = urls.map((url) => hostOf(url)).filter((host): host is string => host !== undefined && foreign(host));
        if (!hosts.length) continue;
        let fixed = element.text;
        for (const host of hosts) fixed = fixed.split(host).join(counterpart(host) ?? host);
        const path = addressOf(element);
        emit({
          message: `${component.key} ${element.name} points at the ${other} instance (${[...new Set(hosts)].join(', ')}).`,
          component: component.key,
          ...located(xml, element),
          fix:
            context.bound === 'china'
              ? patchFix(context, `Set the China URL in the ${context.region} overlay (check the hosts with the China CoE).`, component.key, path, fixed)
              : textFix(`Put the global URL back in ${context.projectPath(xml.path)} and keep the China one in the China overlay.`),
        });
      }
      if (context.bound !== 'china') return;
      const key = descendants(xml.root, 'consumerKey')[0];
      if (!key?.text) return;
      const baseComponent = context.base?.components.get(component.key);
      let baseKey: string | undefined = key.text;
      if (context.base) {
        baseKey = undefined;
        if (baseComponent?.xml) {
          try {
            const baseXml = scanXml((await baseComponent.xml.read()).toString('utf8'), baseComponent.xml.path);
            baseKey = descendants(baseXml.root, 'consumerKey')[0]?.text;
          } catch {
            baseKey = undefined;
          }
        }
      }
      if (baseKey !== key.text) return;
      const parent = key.parent && key.parent !== xml.root ? `${key.parent.name}/` : '';
      emit({
        message: `${component.key} deploys the same consumer key to the global and the China org.`,
        component: component.key,
        ...located(xml, key),
        fix: overlayFix(context, 'Remove the consumer key in the China overlay so the China org generates its own (or set the China key).', {
          patches: [{ component: component.key, path: `${parent}consumerKey`, remove: true }],
        }),
      });
    });
  },
};
export default rule;
