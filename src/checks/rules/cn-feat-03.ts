import { textFix } from '../fix.js';
import type { Rule } from '../types.js';

const TYPES = ['Network', 'ExperienceBundle', 'DigitalExperienceBundle', 'DigitalExperienceConfig', 'CustomSite', 'SiteDotCom', 'NavigationMenu', 'Audience'];

/** CN-FEAT-03: Experience Cloud sites to verify in the China org. */
const rule: Rule = {
  id: 'CN-FEAT-03',
  title: 'Experience Cloud site to verify in China',
  help:
    'Experience Cloud is in the China scope, but some of its features are not verified there and sites get China hosts (*.sites.sfcrmapps.cn). ' +
    'Check the site in a China sandbox before production; accept the finding once done.',
  defaultSeverity: 'info',
  bound: ['china'],
  check(context, emit) {
    for (const type of TYPES) {
      for (const component of context.byType(type)) {
        if (component.parent) continue;
        const file = component.xml ?? component.content[0];
        emit({
          message: `${component.key} is an Experience Cloud component: verify its features and URLs in a China sandbox.`,
          component: component.key,
          path: file?.path,
          line: file ? 1 : undefined,
          fix: textFix(`Deploy it to a China sandbox and check the site; then accept the finding (rule CN-FEAT-03, target ${component.key}) with what was checked.`),
        });
      }
    }
  },
};
export default rule;
