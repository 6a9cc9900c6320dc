import { chinaCounterpart, GLOBAL_HOST_SOURCE } from '../hosts.js';
import { replaceFix, textFix } from '../fix.js';
import { matchAllInCode, textLocation } from '../support.js';
import type { FileKind, Rule } from '../types.js';

/** Where hosts are written in code and content: Apex, triggers, LWC/Aura JS, flows, labels, custom metadata, email templates. */
export const HOST_TEXT_KINDS: readonly FileKind[] = ['apex', 'trigger', 'lwc-js', 'aura-js', 'flow', 'labels', 'custom-metadata', 'email'];

const GLOBAL_HOST = new RegExp(GLOBAL_HOST_SOURCE, 'gi');

/** CN-HOST-01: global Salesforce hosts in metadata bound for the China org. */
const rule: Rule = {
  id: 'CN-HOST-01',
  title: 'Global Salesforce host in China-bound metadata',
  help:
    'Apex, triggers, LWC/Aura JavaScript, flows, labels, custom metadata values and email templates that name a global Salesforce host ' +
    '(login/test.salesforce.com, *.my.salesforce.com, *.lightning.force.com, *.my.site.com) send China users and callouts to the global instance. ' +
    'Replace the host in the China overlay (a replace rule or a patch), or read it from a per-org setting (custom metadata, label, Named Credential).',
  defaultSeverity: 'error',
  bound: ['china'],
  text: {
    kinds: HOST_TEXT_KINDS,
    scan(text, file, context, emit) {
      matchAllInCode(text, file, GLOBAL_HOST, (match, position) => {
        const host = match[0].toLowerCase();
        const counterpart = chinaCounterpart(host);
        emit({
          message: `Global Salesforce host ${host} in ${file.component.key}: the China org must not point at the global instance.`,
          ...textLocation(file, position),
          fix: counterpart
            ? replaceFix(context, `Replace ${host} with its China counterpart ${counterpart} in the ${context.region} overlay (check the host with the China CoE).`, context.projectPath(file.path), host, counterpart)
            : textFix(`Replace ${host} with the China org's host, or read it from a per-org setting.`),
        });
      });
    },
  },
};
export default rule;
