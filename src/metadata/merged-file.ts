import { combineHashes } from './hash.js';
import type { SnapshotFile } from './types.js';

/**
 * One component kept in several files that SDR merges when it deploys them: a CustomLabels file in each of several
 * package directories (its registry type recomposes `startEmpty`). The org has one CustomLabels; so does a snapshot.
 * The file reads as the first one with the entries of the others appended inside its root element, so compare sees
 * every label (a label moved from one file to another is no change) and `--copy-sources` writes one file of them all.
 * Its hash is not a blob id: it is never copied by blob, only read.
 */
export function mergedFile(first: SnapshotFile, others: readonly SnapshotFile[]): SnapshotFile {
  const parts = [first, ...others];
  return {
    path: first.path,
    hash: combineHashes(parts.map((part, index) => [`${index}\0${part.path}`, part.hash] as const)),
    parts,
    read: async (): Promise<Buffer> => {
      const texts = await Promise.all(parts.map(async (part) => (await part.read()).toString('utf8')));
      return Buffer.from(mergeRootElements(texts, parts.map((part) => part.path)), 'utf8');
    },
  };
}

/**
 * The first text with what the root element of each other text holds inserted before its own closing tag. Each entry
 * keeps the whitespace its own file has before it, and the first file keeps its own before its closing tag: a pruned
 * `--copy-sources` file is cut out of this text (delta-plan.ts), and must keep the bytes of what it keeps. (Each
 * file's whitespace after its last entry is left out: joined as it was, two files met on a blank line, which a pruned
 * file kept after its root tag when it kept the first entry of a file after the second.)
 */
export function mergeRootElements(texts: readonly string[], paths: readonly string[]): string {
  const first = rootOf(texts[0], paths[0]);
  const inner = texts.slice(1).map((text, index) => {
    const root = rootOf(text, paths[index + 1]);
    return root.selfClosing ? '' : text.slice(root.openEnd, root.closeStart).trimEnd();
  });
  const added = inner.join('');
  if (!added.trim()) return texts[0];
  if (first.selfClosing) {
    // `<CustomLabels/>`: opened and closed around the others' entries.
    const tag = texts[0].slice(first.openStart, first.openEnd);
    const open = `${tag.slice(0, -2).trimEnd()}>`;
    return `${texts[0].slice(0, first.openStart)}${open}${added}\n</${first.name}>${texts[0].slice(first.openEnd)}`;
  }
  const head = texts[0].slice(0, first.closeStart);
  const entries = head.trimEnd();
  return `${entries}${added}${head.slice(entries.length) || '\n'}${texts[0].slice(first.closeStart)}`;
}

type Root = { name: string; openStart: number; openEnd: number; closeStart: number; selfClosing: boolean };

/** Where a document's root element opens and closes; the prolog (declaration, comments) is skipped. */
function rootOf(text: string, path: string): Root {
  const skip = (from: number, end: string): number => {
    const found = text.indexOf(end, from);
    if (found < 0) throw new Error(`${path}: malformed XML: unterminated prolog`);
    return found + end.length;
  };
  let at = text.indexOf('<');
  while (at >= 0 && (text[at + 1] === '?' || text[at + 1] === '!')) {
    at = text.indexOf('<', skip(at, text[at + 1] === '?' ? '?>' : text.startsWith('<!--', at) ? '-->' : '>'));
  }
  const name = at >= 0 ? /^<([^\s/>]+)/.exec(text.slice(at, at + 200))?.[1] : undefined;
  const openEnd = name ? text.indexOf('>', at) + 1 : 0;
  if (!name || openEnd === 0) throw new Error(`${path}: malformed XML: no root element`);
  const selfClosing = text[openEnd - 2] === '/';
  const closeStart = selfClosing ? openEnd : text.lastIndexOf(`</${name}`);
  if (closeStart < openEnd) throw new Error(`${path}: malformed XML: the root element ${name} is not closed`);
  return { name, openStart: at, openEnd, closeStart, selfClosing };
}
