import { excludeFix } from '../fix.js';
import { forEachXml, located } from '../support.js';
import type { Rule } from '../types.js';

/** Settings of products outside the China scope (Sales, Service, Platform, Experience Cloud): a documented table. */
export const OUT_OF_SCOPE_SETTINGS = /^(Einstein\w*|Bot|Chatbot|Mobile|MobileSettings|Slack\w*|Cdp|DataCloud|CustomerDataPlatform|Marketing\w*|Pardot\w*|IoT|Quip|Voice|Analytics|Forecasting\w*|Agentforce\w*|SalesAi|ServiceAi\w*|Pathfinder)$/;

/** CN-FEAT-02: settings that enable products outside the China scope. */
const rule: Rule = {
  id: 'CN-FEAT-02',
  title: 'Settings enable a product outside the China scope',
  help:
    'The China org covers Sales Cloud, Service Cloud, Platform and Experience Cloud. Settings that enable Einstein / generative AI, bots, Slack, Data Cloud, Marketing, ' +
    'the Salesforce mobile app and similar products may be refused or meaningless there. Exclude the settings in the China overlay, or turn the feature off with a patch.',
  defaultSeverity: 'warn',
  bound: ['china'],
  async check(context, emit) {
    await forEachXml(context, ['Settings'], (component, xml) => {
      if (!OUT_OF_SCOPE_SETTINGS.test(component.fullName)) return;
      const enabled = xml.root.children.find((element) => /^(enable|is)\w*/i.test(element.name) && element.text.toLowerCase() === 'true');
      if (!enabled) return;
      emit({
        message: `${component.key} enables ${enabled.name}, a product outside the China scope.`,
        component: component.key,
        ...located(xml, enabled),
        fix: excludeFix(context, `Exclude these settings in the ${context.region} overlay (or set ${enabled.name} to false with a patch).`, component.key, 'Product outside the China scope'),
      });
    });
  },
};
export default rule;
