import { excludeFix } from '../fix.js';
import { hostOf } from '../hosts.js';
import { namedCredentialEndpoints } from '../named-credentials.js';
import { forEachXml, located } from '../support.js';
import { child, type XmlElement } from '../xml-scan.js';
import type { Rule } from '../types.js';

const SERVER_URL = /"url"\s*:\s*"(https?:\/\/[^"]+)"|\burl:\s*['"]?(https?:\/\/[^\s'"]+)|"host"\s*:\s*"([^"]+)"/g;

/** CN-CBDT-05: External Services registered against an offshore service. */
const rule: Rule = {
  id: 'CN-CBDT-05',
  title: 'External Service registered against an offshore service',
  help:
    'An ExternalServiceRegistration makes flows and Apex call the service its schema describes, through its Named Credential. When the credential endpoint, the schema URL ' +
    'or the schema servers are outside the mainland, the calls are cross-border transfers. Exclude the registration in the China overlay or register a mainland service.',
  defaultSeverity: 'warn',
  bound: ['china'],
  async check(context, emit) {
    await forEachXml(context, ['ExternalServiceRegistration'], async (component, xml) => {
      const candidates: Array<{ element: XmlElement; host: string; via: string }> = [];
      const credentialName = child(xml.root, 'namedCredentialReference')?.text ?? child(xml.root, 'namedCredential')?.text;
      const credentialElement = child(xml.root, 'namedCredentialReference') ?? child(xml.root, 'namedCredential');
      if (credentialName && credentialElement) {
        const credential = context.component(`NamedCredential:${credentialName}`);
        const credentialXml = credential ? await context.xmlOf(credential) : undefined;
        for (const endpoint of credentialXml ? namedCredentialEndpoints(credentialXml) : []) {
          const host = hostOf(endpoint.text);
          if (host) candidates.push({ element: credentialElement, host, via: `Named Credential ${credentialName}` });
        }
      }
      const schemaUrl = child(xml.root, 'schemaUrl');
      const schemaHost = schemaUrl ? hostOf(schemaUrl.text) : undefined;
      if (schemaUrl && schemaHost) candidates.push({ element: schemaUrl, host: schemaHost, via: 'schema URL' });
      const schema = child(xml.root, 'schema');
      if (schema?.text) {
        SERVER_URL.lastIndex = 0;
        for (let match = SERVER_URL.exec(schema.text); match; match = SERVER_URL.exec(schema.text)) {
          const host = hostOf(match[1] ?? match[2] ?? match[3]);
          if (host) candidates.push({ element: schema, host, via: 'schema servers' });
        }
      }
      const offshore = candidates.find((candidate) => !context.hosts.isMainland(candidate.host));
      if (!offshore) return;
      emit({
        message: `${component.key} calls a service outside the mainland (${offshore.host}, ${offshore.via}).`,
        component: component.key,
        ...located(xml, offshore.element),
        fix: excludeFix(context, `Exclude the registration in the ${context.region} overlay, or register the service's mainland endpoint.`, component.key),
      });
    });
  },
};
export default rule;
