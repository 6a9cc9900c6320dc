import { buildXmlDocument, childElements, childNodes, elementName, rootElement, textOf, type XmlDocument, type XmlNode } from '../metadata/xml.js';

/**
 * The document of a component kept in several files that SDR merges on deploy (a CustomLabels file in each of two
 * package directories, metadata/merged-file.ts). Patches and in-file excludes edit one document, as compare and the
 * org see one component; each entry then goes back to the file it came from, so that the build keeps every label
 * where the repository has it.
 */
export type MergedDocument = {
  /** The first file's document, holding the entries of every file in order. */
  readonly doc: XmlDocument;
  /** Which file (index into the parts) an entry of the root element came from; undefined for an entry added since. */
  partOf(node: XmlNode): number | undefined;
  /** Each file's new text, or undefined for a file whose entries are as they were. */
  split(): Array<string | undefined>;
};

/**
 * Joins the parsed documents of a merged component's files (in the order of their package directories). An entry
 * added later goes to the file of the entry it replaced (same element name and fullName), else to the first file:
 * the default package directory's, where a merged component is written.
 */
export function joinDocuments(docs: readonly XmlDocument[]): MergedDocument {
  const roots = docs.map(rootElement);
  const names = roots.map((root) => elementName(root)!);
  const original = docs.map((doc) => buildXmlDocument(doc));
  const origin = new Map<XmlNode, number>();
  const byKey = new Map<string, number>();
  const entries: XmlNode[] = [];
  roots.forEach((root, index) => {
    for (const node of childNodes(root)) {
      origin.set(node, index);
      const key = entryKey(node);
      if (key !== undefined && !byKey.has(key)) byKey.set(key, index);
      entries.push(node);
    }
  });
  // The first root holds them all (a self-closing root has no child array of its own yet).
  roots[0][names[0]] = entries;
  const partOf = (node: XmlNode): number | undefined => origin.get(node);
  const split = (): Array<string | undefined> => {
    const merged = childNodes(roots[0]);
    const own: XmlNode[][] = roots.map(() => []);
    for (const node of merged) {
      const key = entryKey(node);
      own[origin.get(node) ?? (key !== undefined ? byKey.get(key) : undefined) ?? 0].push(node);
    }
    try {
      return docs.map((doc, index) => {
        roots[index][names[index]] = own[index];
        const text = buildXmlDocument(doc);
        return text === original[index] ? undefined : text;
      });
    } finally {
      roots[0][names[0]] = merged;
    }
  };
  return { doc: docs[0], partOf, split };
}

/** `labels\0Greeting`: an entry's element name and fullName, when it has one. */
function entryKey(node: XmlNode): string | undefined {
  const name = elementName(node);
  const fullName = name === undefined ? undefined : childElements(node, 'fullName')[0];
  const text = fullName ? textOf(fullName) : undefined;
  return text ? `${name!}\0${text}` : undefined;
}
