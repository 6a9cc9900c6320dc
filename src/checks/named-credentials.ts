import { child, children, type ScannedXml, type XmlElement } from './xml-scan.js';

/** The elements of a NamedCredential that hold its endpoint: legacy `endpoint`, or the value of a `Url` parameter. */
export function namedCredentialEndpoints(xml: ScannedXml): XmlElement[] {
  const found: XmlElement[] = [];
  const endpoint = child(xml.root, 'endpoint');
  if (endpoint?.text) found.push(endpoint);
  for (const parameter of children(xml.root, 'namedCredentialParameters')) {
    const type = child(parameter, 'parameterType')?.text;
    const value = child(parameter, 'parameterValue');
    if (type?.toLowerCase() === 'url' && value?.text) found.push(value);
  }
  return found;
}
