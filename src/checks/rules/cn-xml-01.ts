import { textFix } from '../fix.js';
import { checkXml, XmlScanError } from '../xml-scan.js';
import type { Rule } from '../types.js';

/** CN-XML-01: metadata XML that cannot be read (the other rules cannot check it, the Metadata API refuses it). */
const rule: Rule = {
  id: 'CN-XML-01',
  title: 'Unparseable metadata XML',
  help: 'A metadata file that is not well-formed XML cannot be checked by the other rules and will not deploy. Fix the XML at the position given.',
  defaultSeverity: 'error',
  bound: ['china', 'global'],
  text: {
    kinds: 'all',
    scan(text, file, context, emit) {
      if (!file.isXml) return;
      try {
        checkXml(text, file.path);
      } catch (error) {
        if (!(error instanceof XmlScanError)) throw error;
        emit({
          message: `${file.component.key}: ${error.reason}.`,
          component: file.component.key,
          path: file.path,
          line: error.position.line,
          column: error.position.column,
          fix: textFix(`Fix the XML of ${context.projectPath(file.path)} at line ${error.position.line}, column ${error.position.column}.`),
        });
      }
    },
  },
};
export default rule;
