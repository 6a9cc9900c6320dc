import { textFix } from '../fix.js';
import { hostOf } from '../hosts.js';
import { matchAllInCode, textLocation } from '../support.js';
import type { Rule } from '../types.js';

const SET_ENDPOINT = /\.setEndpoint\s*\(\s*'((?:https?:)?\/\/[^']*)'/gi;

/** CN-CBDT-07: hard-coded callout endpoints in Apex (cannot be overridden per org). */
const rule: Rule = {
  id: 'CN-CBDT-07',
  title: 'Hard-coded offshore callout endpoint in Apex',
  help:
    "An Apex setEndpoint('https://…') literal cannot be changed per org: the China org calls the same offshore host as the global one. " +
    "Move the host into a Named Credential (setEndpoint('callout:Name/path')) and give the China org its own endpoint in the overlay. Endpoints on the mainland allow-list are not flagged.",
  defaultSeverity: 'warn',
  bound: ['china'],
  text: {
    kinds: ['apex', 'trigger'],
    scan(text, file, context, emit) {
      matchAllInCode(text, file, SET_ENDPOINT, (match, position) => {
        const host = hostOf(match[1]);
        if (!host || context.hosts.isMainland(host)) return;
        // The literal's opening quote, often on the line after `setEndpoint(` (Prettier breaks long calls there).
        const before = match[0].slice(0, match[0].indexOf("'"));
        const lineBreaks = before.split('\n').length - 1;
        emit({
          message: `${file.component.key} calls ${host} through a hard-coded endpoint (outside the mainland, not overridable per org).`,
          ...textLocation(file, position),
          line: position.line + lineBreaks,
          column: lineBreaks ? before.length - before.lastIndexOf('\n') : position.column + before.length,
          fix: textFix(`Create a Named Credential for ${host}, call setEndpoint('callout:<Name>/…'), and set the China endpoint of that credential in the ${context.region} overlay.`),
        });
      });
    },
  },
};
export default rule;
