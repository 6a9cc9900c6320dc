import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { selectElements } from '../../src/metadata/address.js';
import { buildXmlDocument, canonicalize, elementName, parseXmlDocument, rootElement, serializeCanonical, setText, textOf } from '../../src/metadata/xml.js';
import { canonicalXml } from '../../src/compare/xml-diff.js';
import { FIXTURES } from '../compare/support.js';

const D = join(FIXTURES, 'project/force-app/main/default');

describe('metadata xml', () => {
  for (const file of ['profiles/Sales.profile-meta.xml', 'labels/CustomLabels.labels-meta.xml', 'objectTranslations/Account-zh_CN/Account-zh_CN.objectTranslation-meta.xml', 'workflows/Account.workflow-meta.xml']) {
    it(`writes ${file} back byte for byte (Salesforce style)`, () => {
      const text = readFileSync(join(D, file), 'utf8');
      expect(buildXmlDocument(parseXmlDocument(Buffer.from(text), file))).to.equal(text);
    });
  }

  it('writes the declaration, 4-space indentation, escaped text and a trailing newline after an edit', () => {
    const doc = parseXmlDocument(Buffer.from('<CustomLabels xmlns="urn:x"><labels><fullName>A</fullName><value>x</value></labels></CustomLabels>'), 'a.xml');
    const [value] = selectElements(doc, 'labels[fullName=A]/value');
    setText(value.node, 'Tom & "Jerry" <3');
    expect(buildXmlDocument(doc)).to.equal(
      '<?xml version="1.0" encoding="UTF-8"?>\n<CustomLabels xmlns="urn:x">\n    <labels>\n        <fullName>A</fullName>\n        <value>Tom &amp; &quot;Jerry&quot; &lt;3</value>\n    </labels>\n</CustomLabels>\n'
    );
    expect(selectElements(parseXmlDocument(Buffer.from(buildXmlDocument(doc)), 'b.xml'), 'labels/value').map((m) => textOf(m.node))).to.deep.equal(['Tom & "Jerry" <3']);
  });

  it('keeps leaf text exactly and drops whitespace between elements in the canonical form', () => {
    const a = canonicalize(parseXmlDocument(Buffer.from('<R b="2" a="1">\n  <x>  spaced  </x>\n  <e/>\n</R>'), 'a.xml')[0]);
    const b = canonicalize(parseXmlDocument(Buffer.from('<R a="1" b="2"><x>  spaced  </x><e></e></R>'), 'b.xml')[0]);
    expect(serializeCanonical(a)).to.equal('<R a="1" b="2"><x>  spaced  </x><e></e></R>');
    expect(serializeCanonical(b)).to.equal(serializeCanonical(a));
  });

  it('gives the same canonical text element by element (compare, memoized) as in one pass', () => {
    const text = '<R q="a&amp;&quot;b"><g k="&lt;1&gt;"><x>1 &amp; 2</x><y/><h><i>deep</i><i>er</i></h></g><g><x>2</x></g><e></e><t>&lt;tag&gt; "q"</t></R>';
    const root = canonicalize(rootElement(parseXmlDocument(Buffer.from(text), 'r.xml')));
    const whole = serializeCanonical(root);
    expect(whole).to.equal('<R q="a&amp;&quot;b"><g k="&lt;1&gt;"><x>1 &amp; 2</x><y></y><h><i>deep</i><i>er</i></h></g><g><x>2</x></g><e></e><t>&lt;tag&gt; &quot;q&quot;</t></R>');
    // Children first, then the root (which reuses their texts), then the children again (memoized).
    const children = root.children.map((child) => canonicalXml(child));
    expect(children).to.deep.equal(root.children.map((child) => serializeCanonical(child)));
    expect(canonicalXml(root)).to.equal(whole);
    expect(root.children.map((child) => canonicalXml(child))).to.deep.equal(children);
  });

  it('finds the root element after a processing instruction (which is not an element)', () => {
    const doc = parseXmlDocument('<?xml version="1.0"?>\n<?xml-stylesheet href="t.xsl"?>\n<Translations><a>1</a></Translations>', 't.xml');
    expect(elementName(rootElement(doc))).to.equal('Translations');
  });

  it('refuses malformed XML with file, line and column', () => {
    expect(() => parseXmlDocument(Buffer.from('<R>\n  <a>1</b>\n</R>'), 'dir/f.xml')).to.throw(/^dir\/f\.xml:2:7: malformed XML: Expected closing tag 'a'/);
    expect(() => parseXmlDocument(Buffer.from('just text'), 'g.xml')).to.throw(/^g\.xml:1:1: malformed XML/);
  });
});
