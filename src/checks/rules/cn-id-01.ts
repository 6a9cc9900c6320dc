import { replaceFix } from '../fix.js';
import { matchAllInCode, textLocation } from '../support.js';
import type { Rule } from '../types.js';

/** Record ids of orgs (00D), users (005), record types (012), groups and queues (00G): 15 or 18 characters. */
const RECORD_ID = /(?<![A-Za-z0-9])(00D|005|012|00G)[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?(?![A-Za-z0-9])/g;
const KIND: Readonly<Record<string, string>> = { '00D': 'organization', '005': 'user', '012': 'record type', '00G': 'group or queue' };

/** CN-ID-01: hard-coded record ids (they differ in every org). */
const rule: Rule = {
  id: 'CN-ID-01',
  title: 'Hard-coded record id',
  help:
    'Record ids differ between the global and the China org (and between sandboxes). Ids of orgs (00D…), users (005…), record types (012…) and groups/queues (00G…) ' +
    'written into Apex, flows, formulas or validation rules break in China. Look the record up by a stable key (DeveloperName, username, custom metadata), or replace the id in the overlay.',
  defaultSeverity: 'warn',
  bound: ['china'],
  text: {
    kinds: ['apex', 'trigger', 'flow', 'field', 'validation-rule'],
    scan(text, file, context, emit) {
      matchAllInCode(text, file, RECORD_ID, (match, position) => {
        emit({
          message: `${file.component.key} hard-codes the ${KIND[match[1]]} id ${match[0]}; ids differ in the China org.`,
          ...textLocation(file, position),
          fix: replaceFix(
            context,
            `Look the record up by a stable key instead, or replace the id with the China org's in the ${context.region} overlay:`,
            context.projectPath(file.path),
            match[0],
            'REPLACE-WITH-CHINA-ID'
          ),
        });
      });
    },
  },
};
export default rule;
