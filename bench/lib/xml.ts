/**
 * Writes metadata XML exactly as Salesforce and SDR write it: the UTF-8 declaration, the metadata namespace on the
 * root, four-space indentation, one element per line, the five XML entities escaped, a final newline.
 */
export type XmlValue = string | number | boolean | XmlNode[];
export type XmlNode = readonly [name: string, value: XmlValue];

export const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

export function metadataXml(rootName: string, children: readonly XmlNode[]): string {
  const lines: string[] = [DECLARATION, `<${rootName} xmlns="${METADATA_NS}">`];
  for (const child of children) writeNode(child, 1, lines);
  lines.push(`</${rootName}>`);
  return lines.join('\n') + '\n';
}

function writeNode([name, value]: XmlNode, depth: number, lines: string[]): void {
  const pad = '    '.repeat(depth);
  if (Array.isArray(value)) {
    lines.push(`${pad}<${name}>`);
    for (const child of value) writeNode(child, depth + 1, lines);
    lines.push(`${pad}</${name}>`);
  } else {
    lines.push(`${pad}<${name}>${escapeXml(String(value))}</${name}>`);
  }
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
