import { excludeFix } from '../fix.js';
import { elementHost, forEachXml, located } from '../support.js';
import { child, children } from '../xml-scan.js';
import type { Rule } from '../types.js';

/** Field names that usually hold personal information (PIPL): a documented heuristic. */
export const PERSONAL_FIELD = /(^|[._])(e-?mail\w*|\w*phone\w*|fax|mobile\w*|name|firstname|lastname|middlename|salutation|birth\w*|\w*address\w*|street|city|postalcode|zip\w*|idcard\w*|id_?number\w*|passport\w*|national_?id\w*|ssn|openid\w*|wechat\w*|unionid\w*|gender|title)(__c)?$/i;

/** CN-CBDT-04: outbound messages that carry personal fields to an offshore endpoint. */
const rule: Rule = {
  id: 'CN-CBDT-04',
  title: 'Outbound message sends personal fields offshore',
  help:
    'A workflow outbound message posts the listed fields to its endpoint. Personal fields (names, e-mails, phones, addresses, birth dates, ids…) sent to an endpoint outside the mainland are ' +
    'a cross-border transfer of personal information (PIPL: assessment, certification or standard contract, plus separate consent). Exclude the message in the China overlay or point it at a mainland endpoint.',
  defaultSeverity: 'error',
  bound: ['china'],
  async check(context, emit) {
    await forEachXml(context, ['Workflow'], (component, xml) => {
      for (const message of children(xml.root, 'outboundMessages')) {
        const endpoint = child(message, 'endpointUrl');
        const host = elementHost(endpoint);
        if (!endpoint || !host || context.hosts.isMainland(host)) continue;
        const personal = children(message, 'fields').map((field) => field.text).filter((name) => PERSONAL_FIELD.test(name));
        if (!personal.length) continue;
        const name = child(message, 'fullName')?.text ?? '?';
        const key = `WorkflowOutboundMessage:${component.fullName}.${name}`;
        emit({
          message: `Outbound message ${component.fullName}.${name} sends personal fields (${personal.join(', ')}) to ${host}, outside the mainland.`,
          component: key,
          ...located(xml, endpoint),
          fix: excludeFix(context, `Exclude the outbound message in the ${context.region} overlay (or point it at a mainland endpoint and drop the personal fields).`, key),
        });
      }
    });
  },
};
export default rule;
