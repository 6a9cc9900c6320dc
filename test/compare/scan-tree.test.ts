import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { setPruning } from '../../src/compare/prune.js';
import { scanTopLevel, withoutBom } from '../../src/compare/top-level-scan.js';
import { scanTree } from '../../src/compare/scan-tree.js';
import { diffXmlPair, scannedTextReads, type XmlPair } from '../../src/compare/xml-pair.js';
import { elementKeysFor } from '../../src/metadata/elements.js';
import { registryFor } from '../../src/metadata/registry.js';
import { canonicalize, parseXmlDocument, rootElement, type CanonicalElement } from '../../src/metadata/xml.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const registry = registryFor();
const tableFor = (root: string): ReturnType<typeof elementKeysFor> => elementKeysFor(registry, root);
const DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NS = ' xmlns="http://soap.sforce.com/2006/04/metadata"';

/** What compare used before scan-tree.ts, for a text prune.ts's scanner vouched for. */
function parsed(text: string): CanonicalElement {
  return canonicalize(rootElement(parseXmlDocument(text, 'test.xml', { wellFormed: true })));
}

function leaf(name: string, text: string, attributes: Array<[string, string]> = []): CanonicalElement {
  return { name, attributes, text, children: [] };
}

function element(name: string, children: CanonicalElement[], attributes: Array<[string, string]> = []): CanonicalElement {
  return { name, attributes, children };
}

/** Every *.xml file of the repository's tests, examples and bench (generated output left out: it is not committed). */
function repositoryXmlFiles(): string[] {
  return ['test', 'examples', 'bench'].flatMap((dir) =>
    (readdirSync(join(REPO, dir), { recursive: true }) as string[]).filter((path) => path.endsWith('.xml') && !path.startsWith('out/')).map((path) => join(REPO, dir, path))
  );
}

describe('scan-tree: the tree equals the parser’s', () => {
  it('for every XML file of the repository, each of which it reads', () => {
    const files = repositoryXmlFiles();
    expect(files.length, 'XML files found').to.be.greaterThan(100);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const tree = scanTree(text);
      expect(tree, `${file} is read`).not.to.equal(undefined);
      expect(tree, file).to.deep.equal(parsed(text));
    }
  });

  const cases: ReadonlyArray<readonly [what: string, text: string, expected: CanonicalElement]> = [
    [
      'the five entities in text, decoded in one pass',
      '<r><a>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &amp;lt;</a></r>',
      element('r', [leaf('a', 'a & b <c> "d" \'e\' &lt;')]),
    ],
    [
      'entities in attribute values, both quotes',
      `<r${NS} a="x &amp; y" b='it&apos;s "q"' c="&lt;&gt;"><x/></r>`,
      element('r', [leaf('x', '')], [['a', 'x & y'], ['b', 'it\'s "q"'], ['c', '<>']]),
    ],
    ['a CDATA section, raw', '<r><a><![CDATA[x < y &amp; ]] z]]></a></r>', element('r', [leaf('a', 'x < y &amp; ]] z')])],
    ['two CDATA sections and a comment between', '<r><a><![CDATA[x]]><!-- c --><![CDATA[]]><![CDATA[y]]></a></r>', element('r', [leaf('a', 'xy')])],
    ['comments in a leaf, dropped', '<r><a>x<!-- <b>no</b> -->y<!---->z</a><b><!-- only --></b></r>', element('r', [leaf('a', 'xyz'), leaf('b', '')])],
    [
      'comments between elements, before and after the root',
      `${DECL}<!-- head -->\n<r>\n  <!-- c -->\n  <a>1</a>\n  <!-- d --><b>2</b>\n</r>\n<!-- tail -->\n`,
      element('r', [leaf('a', '1'), leaf('b', '2')]),
    ],
    ['self-closing and empty elements', '<r><a/><b></b><c x="1"/><d  /><e x="1" ></e></r>', element('r', [leaf('a', ''), leaf('b', ''), leaf('c', '', [['x', '1']]), leaf('d', ''), leaf('e', '', [['x', '1']])])],
    ['whitespace-only leaves, kept as written', '<r><a> </a><b>\n\t \n</b></r>', element('r', [leaf('a', ' '), leaf('b', '\n\t \n')])],
    ['leading and trailing whitespace of a leaf', '<r><a>  x y  </a></r>', element('r', [leaf('a', '  x y  ')])],
    ['an empty root, a leaf', `${DECL}<CustomLabels${NS}></CustomLabels>`, leaf('CustomLabels', '')],
    [
      'namespace declarations left out, prefixed names kept, attributes sorted',
      '<r xmlns="urn:a" xmlns:xsi="urn:x" z="1" xsi:type="xsd:string" a="2"><xsi:v xmlns:q="urn:q">1</xsi:v></r>',
      element('r', [leaf('xsi:v', '1')], [['a', '2'], ['xsi:type', 'xsd:string'], ['z', '1']]),
    ],
    [
      'CRLF and CR line ends, read as LF in text, CDATA and attributes',
      '<?xml version="1.0"?>\r\n<r a="x\r\ny">\r\n  <b>1\r\n2\r3</b>\r\n  <c><![CDATA[p\r\nq]]></c>\r\n</r>\r\n',
      element('r', [leaf('b', '1\n2\n3'), leaf('c', 'p\nq')], [['a', 'x\ny']]),
    ],
    ['tabs and newlines in attribute values and between attributes', '<r\n\ta="x\ty"\n\tb = \'1\n2\'><c/></r>', element('r', [leaf('c', '')], [['a', 'x\ty'], ['b', '1\n2']])],
    ['non-ASCII text', '<r><a>中国 — ünïcödé 🚀</a></r>', element('r', [leaf('a', '中国 — ünïcödé 🚀')])],
    ['a byte order mark', `\uFEFF${DECL}<r><a>x</a></r>`, element('r', [leaf('a', 'x')])],
    ['">" in text and attributes', '<r a="1>0"><b>x > y ]]> z</b></r>', element('r', [leaf('b', 'x > y ]]> z')], [['a', '1>0']])],
    ['closing tags with whitespace', '<r><a>x</a  ><b><c/></b\n></r >', element('r', [leaf('a', 'x'), element('b', [leaf('c', '')])])],
    ['nested same-name elements', '<r><a><a><a>x</a></a></a></r>', element('r', [element('a', [element('a', [leaf('a', 'x')])])])],
    ['names with dots, dashes, underscores and digits', '<r><a.b-c_1>x</a.b-c_1><_z/></r>', element('r', [leaf('a.b-c_1', 'x'), leaf('_z', '')])],
    ['a declaration with single quotes and standalone', "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><r/>", leaf('r', '')],
    ['JavaScript-like names that the parser keeps', '<r toStringX="1"><valueOfX>1</valueOfX><Constructor>2</Constructor></r>', element('r', [leaf('valueOfX', '1'), leaf('Constructor', '2')], [['toStringX', '1']])],
  ];
  for (const [what, text, expected] of cases) {
    it(`for ${what}`, () => {
      const tree = scanTree(text);
      expect(tree).to.deep.equal(expected);
      expect(tree).to.deep.equal(parsed(text));
    });
  }

  it('for 100 levels of nesting', () => {
    const text = `${'<a>'.repeat(100)}x${'</a>'.repeat(100)}`;
    expect(scanTree(text)).to.deep.equal(parsed(text));
  });
});

describe('scan-tree: gives up where the parser is the reference', () => {
  const cases: ReadonlyArray<readonly [what: string, text: string]> = [
    ['a decimal character reference in text (the parser keeps most as written)', '<r><a>&#38;</a></r>'],
    ['a hexadecimal character reference in text', '<r><a>&#x26;</a></r>'],
    ['a character reference the parser deletes', '<r><a>x&#1;y</a></r>'],
    ['a character reference in an attribute', '<r a="&#38;"><b/></r>'],
    ['an entity that is not one of the five', '<r><a>&nbsp;</a></r>'],
    ['an unknown entity in an attribute', '<r a="&copy;"><b/></r>'],
    ['a bare ampersand', '<r><a>a & b</a></r>'],
    ['CDATA after text', '<r><a>x<![CDATA[y]]></a></r>'],
    ['CDATA before text', '<r><a><![CDATA[y]]>x</a></r>'],
    ['CDATA beside whitespace', '<r><a>\n  <![CDATA[y]]>\n</a></r>'],
    ['CDATA beside a child element', '<r><a><![CDATA[y]]><b/></a></r>'],
    ['CDATA outside the root', '<r/><![CDATA[y]]>'],
    ['text before a child element', '<r><a>x<b/></a></r>'],
    ['text after a child element', '<r><a><b/>x</a></r>'],
    ['an entity beside a child element', '<r><a>&amp;<b/></a></r>'],
    ['non-breaking space beside elements', '<r>\u00A0<a/></r>'],
    ['a DOCTYPE', '<!DOCTYPE r [<!ENTITY e "x">]><r><a>&e;</a></r>'],
    ['a processing instruction', '<r><?pi x?><a/></r>'],
    ['a declaration with an unquoted value', '<?xml version=1.0?><r/>'],
    ['a declaration not at the start', ' <?xml version="1.0"?><r/>'],
    ['a name the parser reserves for CDATA', '<r><__cdata>x</__cdata></r>'],
    ['a name the parser refuses', '<r><constructor>x</constructor></r>'],
    ['a name the parser renames', '<r><toString>x</toString></r>'],
    ['an attribute the parsed tree loses (`__proto__`)', '<r __proto__="x"><a/></r>'],
    ['nesting of more than 100 levels (the parser refuses more than 101)', `${'<a>'.repeat(101)}x${'</a>'.repeat(101)}`],
    ['a repeated attribute', '<r a="1" a="2"/>'],
    ['a mismatched closing tag', '<r><a>x</b></r>'],
    ['an unclosed root', '<r><a>x</a>'],
    ['two roots', '<r/><r/>'],
    ['text outside the root', '<r/>x'],
    ['a second byte order mark', '\uFEFF\uFEFF<r/>'],
    ['no element', '  '],
  ];
  for (const [what, text] of cases) {
    it(`on ${what}`, () => {
      expect(scanTree(text)).to.equal(undefined);
    });
  }

  type Outcome = { diff?: ReturnType<typeof diffXmlPair>; error?: string };
  const diff = (pair: XmlPair): Outcome => {
    try {
      return { diff: diffXmlPair(pair, tableFor) };
    } catch (error) {
      return { error: `${(error as Error).name}: ${(error as Error).message}` };
    }
  };
  const reads = (): typeof scannedTextReads => ({ ...scannedTextReads });

  it('and compare then parses the text, with the same result as without pruning', () => {
    let parsedAfterScan = 0;
    for (const [what, text] of cases) {
      const root = /<([A-Za-z_][\w.:-]*)/.exec(text.replace(/<!DOCTYPE[^\]]*\]>/, ''))?.[1];
      if (!root) continue;
      // An attribute added to the root, so that both sides differ.
      const to = text.replace(`<${root}`, `<${root} changed="1"`);
      const pair: XmlPair = { from: text, to, whereFrom: 'from.xml', whereTo: 'to.xml' };
      const before = reads();
      const result = diff(pair);
      const after = reads();
      expect(after.tree, `${what}: read by scan-tree.ts`).to.equal(before.tree);
      const scannable = scanTopLevel(withoutBom(text)) !== undefined && scanTopLevel(withoutBom(to)) !== undefined;
      expect(after.parser > before.parser, `${what}: parsed after the scanner`).to.equal(scannable);
      if (scannable) parsedAfterScan++;
      const was = setPruning(false);
      try {
        expect(result, what).to.deep.equal(diff(pair));
      } finally {
        setPruning(was);
      }
    }
    expect(parsedAfterScan, 'cases the scanner reads but scan-tree.ts leaves to the parser').to.be.greaterThan(15);
  });

  it('while compare reads texts it is certain about without the parser', () => {
    const text = (value: string): string => `${DECL}<Profile${NS}>\n    <custom>${value}</custom>\n    <description>a &amp; b</description>\n</Profile>\n`;
    const pair: XmlPair = { from: text('true'), to: text('false'), whereFrom: 'from.xml', whereTo: 'to.xml' };
    const before = reads();
    const result = diffXmlPair(pair, tableFor);
    const after = reads();
    expect([after.tree - before.tree, after.parser - before.parser]).to.deep.equal([2, 0]);
    expect(result.elements).to.deep.equal([{ path: 'custom', kind: 'changed', before: 'true', after: 'false' }]);
  });
});

describe('scan-tree: on generated texts, what it reads is well-formed and equals the parser’s tree', () => {
  // XML-ish pieces, valid or not, in any order: each text is read by scan-tree.ts, or left to the parser.
  const piece = fc.constantFrom(
    '<a>', '</a>', '<b x="1">', "<b x='&apos;2&amp;'>", '</b>', '<c/>', '<c y="a&lt;b"/>', '<c xmlns:p="u" p:z="1"/>', '<c z="1" a="2" m="&amp;"/>', '<c __proto__="1"/>', '<c constructor="1"/>', '<p:d>', '</p:d>',
    'text', ' ', '\n', '\r\n', '\r', '\t', 'é中', '&amp;', '&lt;', '&gt;', '&quot;', '&apos;', '&#38;', '&#x41;', '&nbsp;', '&', '&amp',
    '<!-- c -->', '<!--', '-->', '<![CDATA[x<y&amp;]]>', '<![CDATA[', ']]>', '<?pi?>', '<', '>', '"', "'", '<e f="1" f="2"/>', '<g h/>',
    '<i j=1/>', '</', '<1>', '<__cdata/>', '<toString/>', '\u00A0', '\uFEFF'
  );
  it('whenever it reads a text', () => {
    let read = 0;
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.array(piece, { minLength: 0, maxLength: 12 }), (bom, declared, pieces) => {
        const text = `${bom ? '\uFEFF' : ''}${declared ? DECL : ''}<Profile${NS}>${pieces.join('')}</Profile>\n`;
        const tree = scanTree(text);
        if (!tree) return;
        read++;
        expect(XMLValidator.validate(withoutBom(text), { allowBooleanAttributes: false }), text).to.equal(true);
        expect(tree, JSON.stringify(text)).to.deep.equal(parsed(text));
      }),
      { numRuns: 5000 }
    );
    expect(read, 'texts read').to.be.greaterThan(300);
  });
});
