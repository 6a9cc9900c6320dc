import { XMLValidator } from '../metadata/fast-xml-parser.js';
import { scanTopLevel, withoutBom } from './top-level-scan.js';

/** Where bytes stop being well-formed XML, as the validator says. */
export type XmlFault = { readonly line: number; readonly col: number; readonly msg: string };

/**
 * Why bytes are not well-formed XML, or undefined when they are. A text the scanner reads whole is one the validator
 * accepts (top-level-scan.ts; a property test checks it), and reading it costs a fraction of the validator's pass:
 * only what the scanner gives up on is validated, for the place of the fault. No SDR, no @salesforce/core: the copy
 * thread loads it.
 */
export function xmlFault(bytes: Buffer): XmlFault | undefined {
  const text = withoutBom(bytes.toString('utf8'));
  if (scanTopLevel(text)) return undefined;
  const verdict = XMLValidator.validate(text);
  return verdict === true ? undefined : { line: verdict.err.line, col: verdict.err.col, msg: verdict.err.msg };
}
