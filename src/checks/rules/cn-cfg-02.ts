import { textFix } from '../fix.js';
import { hostOf } from '../hosts.js';
import { regionStages, stageFieldLocation } from '../config-support.js';
import type { Rule } from '../types.js';

const LIGHTNING = /^([a-z0-9-]+(?:--[a-z0-9-]+)?)\.lightning\.sfcrmapps\.cn$/i;

/** CN-CFG-02: a Lightning host used as an instance URL (it is not an OAuth endpoint). */
const rule: Rule = {
  id: 'CN-CFG-02',
  title: 'Lightning host used as a China instance URL',
  help:
    'The China Lightning host (<name>.lightning.sfcrmapps.cn) is not an OAuth endpoint: a login with it as instance URL fails. ' +
    'Use the My Domain (<name>.my.sfcrmproducts.cn, sandboxes <name>--<sbx>.sandbox.my.sfcrmproducts.cn).',
  defaultSeverity: 'error',
  bound: ['china'],
  check(context, emit) {
    for (const stage of regionStages(context)) {
      const host = stage.instanceUrl ? hostOf(stage.instanceUrl) : undefined;
      const match = host ? LIGHTNING.exec(host) : null;
      if (!host || !match) continue;
      emit({
        message: `Stage ${stage.name} uses the Lightning host ${host} as its instance URL; logins to it fail.`,
        ...stageFieldLocation(context, stage.name, 'instanceUrl'),
        fix: textFix(`Set stages.${stage.name}.instanceUrl to https://${match[1]}.my.sfcrmproducts.cn (the My Domain).`),
      });
    }
    for (const variable of ['SF_INSTANCE_URL', 'SF_AUDIENCE_URL']) {
      const value = context.env[variable];
      const host = value ? hostOf(value) : undefined;
      const match = host ? LIGHTNING.exec(host) : null;
      if (host && match && context.stage) {
        emit({
          message: `${variable} is the Lightning host ${host}; logins to it fail.`,
          fix: textFix(`Set ${variable} to https://${match[1]}.my.sfcrmproducts.cn (the My Domain).`),
        });
      }
    }
  },
};
export default rule;
