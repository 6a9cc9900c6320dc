import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { cut } from '../../src/compare/prune.js';
import { scanTopLevel } from '../../src/compare/top-level-scan.js';
import { mergeRootElements, mergedFile } from '../../src/metadata/merged-file.js';
import { readDirSource } from '../../src/metadata/sources/dir.js';
import type { SnapshotFile } from '../../src/metadata/types.js';
import { parseXmlDocument } from '../../src/metadata/xml.js';
import { TempDirs } from '../compare/support.js';

const label = (name: string): string => `    <labels>\n        <fullName>${name}</fullName>\n        <value>${name}</value>\n    </labels>\n`;
const labels = (body: string, prolog = '<?xml version="1.0" encoding="UTF-8"?>\n'): string =>
  `${prolog}<CustomLabels xmlns="http://soap.sforce.com/2006/04/metadata">\n${body}</CustomLabels>\n`;
const file = (path: string, text: string, hash = path): SnapshotFile => ({ path, hash, read: () => Promise.resolve(Buffer.from(text)) });

describe('merged files (one CustomLabels in several package directories)', () => {
  it('appends the entries of the other files inside the first one’s root, keeping its bytes', () => {
    const first = labels(label('A'));
    const merged = mergeRootElements([first, labels(label('B') + label('C'), '<?xml version="1.0"?>\n<!-- kept apart -->\n')], ['a', 'b']);
    expect(merged.startsWith(first.slice(0, first.indexOf('</CustomLabels>')).trimEnd())).to.equal(true);
    expect([...merged.matchAll(/<fullName>(\w)<\/fullName>/g)].map((match) => match[1])).to.deep.equal(['A', 'B', 'C']);
    expect(() => parseXmlDocument(merged, 'merged')).to.not.throw();
  });

  it('keeps before each entry the whitespace of its own file: no blank line where two files meet (a pruned file keeps those bytes)', () => {
    const merged = mergeRootElements([labels(label('A')), labels(label('B')), labels(label('C') + label('D'))], ['a', 'b', 'c']);
    expect(merged).to.equal(labels(label('A') + label('B') + label('C') + label('D')));
    // What --copy-sources writes when pkg3's first label changed: cut out of the merged text (delta-plan.ts's prune).
    const scan = scanTopLevel(merged)!;
    const kept = cut(merged, scan.children, new Set(scan.children.filter((child) => !merged.slice(child.start, child.end).includes('<fullName>C<'))));
    expect(kept).to.equal(labels(label('C')));
  });

  it('opens an empty first file, and leaves out empty others', () => {
    const empty = '<?xml version="1.0" encoding="UTF-8"?>\n<CustomLabels xmlns="http://soap.sforce.com/2006/04/metadata"/>\n';
    const merged = mergeRootElements([empty, labels(label('B'))], ['a', 'b']);
    expect(merged).to.contain('<fullName>B</fullName>').and.to.match(/<\/CustomLabels>\n$/);
    expect(() => parseXmlDocument(merged, 'merged')).to.not.throw();
    expect(mergeRootElements([labels(label('A')), empty], ['a', 'b'])).to.equal(labels(label('A')));
  });

  it('names the file that has no root element', () => {
    expect(() => mergeRootElements([labels(label('A')), '<?xml version="1.0"?>\n'], ['a.xml', 'b.xml'])).to.throw(/b\.xml: malformed XML/);
  });

  it('hashes by the files and their order, and lists each part', async () => {
    const [a, b] = [file('x/CustomLabels.labels-meta.xml', labels(label('A')), '1'), file('y/CustomLabels.labels-meta.xml', labels(label('B')), '2')];
    const merged = mergedFile(a, [b]);
    expect(merged.path).to.equal(a.path);
    expect(merged.parts?.map((part) => part.path)).to.deep.equal([a.path, b.path]);
    expect(merged.hash).to.equal(mergedFile(a, [b]).hash).and.to.not.equal(mergedFile(a, [{ ...b, hash: '3' }]).hash);
    expect((await merged.read()).toString()).to.contain('<fullName>B</fullName>');
  });

  it('is what a folder project with labels in two package directories reads as its CustomLabels', async () => {
    const temp = new TempDirs();
    try {
      const dir = temp.make();
      const files: Record<string, string> = {
        'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }, { path: 'extra' }], sourceApiVersion: '62.0' }),
        'extra/labels/CustomLabels.labels-meta.xml': labels(label('B')),
        'force-app/main/default/labels/CustomLabels.labels-meta.xml': labels(label('A')),
      };
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      const snapshot = await readDirSource({ kind: 'dir', value: dir, guessed: false }, { apiVersion: '62.0', projectDir: dir });
      const customLabels = snapshot.components.get('CustomLabels:CustomLabels')!;
      // The default package directory's file first: that is where the merged file is written.
      expect(customLabels.xml?.parts?.map((part) => part.path)).to.deep.equal(['force-app/main/default/labels/CustomLabels.labels-meta.xml', 'extra/labels/CustomLabels.labels-meta.xml']);
      expect(snapshot.unclassified).to.deep.equal([]);
    } finally {
      temp.cleanup();
    }
  });
});
