import { textFix } from '../fix.js';
import { chinaCounterpart, hostOf, isGlobalSalesforceHost } from '../hosts.js';
import { lineMatching, regionStages, stageFieldLocation } from '../config-support.js';
import type { Rule } from '../types.js';

/** CN-CFG-01: a China stage that would log in to the global instance. */
const rule: Rule = {
  id: 'CN-CFG-01',
  title: 'China stage with a global login URL',
  help:
    'A China stage must log in to the China instance: its instanceUrl in federate.yml must be the China My Domain (<name>.my.sfcrmproducts.cn), ' +
    'and without one the login falls back to sfdx-project.json sfdcLoginUrl, which then must not be login/test.salesforce.com. ' +
    'JWT logins in CI also need SF_AUDIENCE_URL set to the China My Domain or login.sfcrmproducts.cn (@salesforce/core defaults the audience to login.salesforce.com).',
  defaultSeverity: 'error',
  bound: ['china'],
  check(context, emit) {
    // The file the checked source is deployed with (a ref's own), not the working tree's.
    const deployed = context.deployedProject;
    const loginUrl = deployed?.sfdcLoginUrl;
    const loginHost = loginUrl ? hostOf(loginUrl) : undefined;
    for (const stage of regionStages(context)) {
      const host = stage.instanceUrl ? hostOf(stage.instanceUrl) : undefined;
      if (host && isGlobalSalesforceHost(host)) {
        const counterpart = chinaCounterpart(host) ?? '<name>.my.sfcrmproducts.cn';
        emit({
          message: `Stage ${stage.name} (region ${context.region}) logs in to the global host ${host}.`,
          ...stageFieldLocation(context, stage.name, 'instanceUrl'),
          fix: textFix(`Set stages.${stage.name}.instanceUrl in federate.yml to the China My Domain, e.g. https://${counterpart}.`),
        });
      } else if (!host && loginUrl && loginHost && isGlobalSalesforceHost(loginHost)) {
        const at = lineMatching(deployed?.text, /"sfdcLoginUrl"/);
        emit({
          message: `Stage ${stage.name} (region ${context.region}) has no instanceUrl, so logins fall back to sfdx-project.json sfdcLoginUrl ${loginUrl}, the global instance.`,
          path: deployed?.path ?? 'sfdx-project.json',
          projectPath: true,
          line: at?.line,
          column: at?.column,
          fix: textFix(`Give stages.${stage.name} an instanceUrl with the China My Domain (https://<name>.my.sfcrmproducts.cn) in federate.yml.`),
        });
      }
    }
    const audience = context.env.SF_AUDIENCE_URL;
    const audienceHost = audience ? hostOf(audience) : undefined;
    if (audience && audienceHost && isGlobalSalesforceHost(audienceHost) && context.stage) {
      emit({
        message: `SF_AUDIENCE_URL is ${audience}, a global host, while checking the China stage ${context.stage.name}: a JWT login would be refused.`,
        fix: textFix('Set SF_AUDIENCE_URL to the China My Domain or https://login.sfcrmproducts.cn in the CI job of this stage.'),
      });
    }
  },
};
export default rule;
