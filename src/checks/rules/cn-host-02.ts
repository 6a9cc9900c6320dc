import { CHINA_HOST_SOURCE, globalCounterpart } from '../hosts.js';
import { textFix } from '../fix.js';
import { matchAllInCode, textLocation } from '../support.js';
import type { Rule } from '../types.js';
import { HOST_TEXT_KINDS } from './cn-host-01.js';

const CHINA_HOST = new RegExp(CHINA_HOST_SOURCE, 'gi');

/** CN-HOST-02: China Salesforce hosts leaking into metadata bound for the global org. */
const rule: Rule = {
  id: 'CN-HOST-02',
  title: 'China Salesforce host in global-bound metadata',
  help:
    'A China host (*.sfcrmproducts.cn, *.sfcrmapps.cn) in code or content of the global source means a China value leaked into the core. ' +
    'Keep China values in the China overlay (overlays/china) and the global value in the source.',
  defaultSeverity: 'error',
  bound: ['global'],
  text: {
    kinds: HOST_TEXT_KINDS,
    scan(text, file, context, emit) {
      matchAllInCode(text, file, CHINA_HOST, (match, position) => {
        const host = match[0].toLowerCase();
        const counterpart = globalCounterpart(host);
        emit({
          message: `China Salesforce host ${host} in ${file.component.key}: the global org gets it too.`,
          ...textLocation(file, position),
          fix: textFix(
            `Put the global host${counterpart ? ` (${counterpart})` : ''} back in ${context.projectPath(file.path)} and move ${host} into the China overlay (a replace rule or a patch in overlays/china/overlay.yml).`
          ),
        });
      });
    },
  },
};
export default rule;
