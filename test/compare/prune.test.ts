import { createHash } from 'node:crypto';
import { expect } from 'chai';
import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { compareSnapshots } from '../../src/compare/compare.js';
import { pruneCommonElements, setPruning } from '../../src/compare/prune.js';
import { guidedChildren, scanTopLevel, type KeyParts } from '../../src/compare/top-level-scan.js';
import type { Changeset } from '../../src/compare/types.js';
import { elementKeysFor } from '../../src/metadata/elements.js';
import { registryFor } from '../../src/metadata/registry.js';
import type { Component, Snapshot } from '../../src/metadata/types.js';

const registry = registryFor();
const tableFor = (root: string): ReturnType<typeof elementKeysFor> => elementKeysFor(registry, root);
const DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NS = ' xmlns="http://soap.sforce.com/2006/04/metadata"';

function names(text: string): string[] | undefined {
  const scan = scanTopLevel(text);
  return scan?.children.map((child) => `${child.name}:${text.slice(child.start, child.end)}`);
}

/** A snapshot of one component (`type:fullName`) whose XML is `text`, held in memory. */
function snapshotWith(type: string, fullName: string, path: string, text: string): Snapshot {
  const bytes = Buffer.from(text, 'utf8');
  const hash = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  const component: Component = { key: `${type}:${fullName}`, type, fullName, xml: { path, hash, read: () => Promise.resolve(bytes) }, content: [], hash };
  return {
    source: { kind: 'dir', spec: 'dir:mem', label: '/mem', format: 'source' },
    apiVersion: '62.0',
    components: new Map([[component.key, component]]),
    children: new Map(),
    unclassified: [],
    packageDirs: ['force-app'],
  };
}

type Outcome = { changeset?: Changeset; error?: string };

async function outcome(type: string, path: string, a: string, b: string, strict: boolean, prune: boolean): Promise<Outcome> {
  const was = setPruning(prune);
  try {
    const changeset = await compareSnapshots(snapshotWith(type, 'X', path, a), snapshotWith(type, 'X', path, b), { strict, registry });
    return { changeset };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  } finally {
    setPruning(was);
  }
}

async function expectSameWithAndWithout(type: string, path: string, a: string, b: string): Promise<void> {
  for (const strict of [false, true]) {
    // eslint-disable-next-line no-await-in-loop -- two small cases
    const [pruned, whole] = await Promise.all([outcome(type, path, a, b, strict, true), outcome(type, path, a, b, strict, false)]);
    expect(pruned, `strict=${String(strict)}\n--- from\n${a}\n--- to\n${b}`).to.deep.equal(whole);
  }
}

describe('prune: top-level scanner', () => {
  it('reads the declaration, comments, CDATA, quoted ">" in attributes, self-closing and nested same-name elements', () => {
    const text = [
      DECL,
      '<!-- a comment before the root: <Profile> -->\n',
      `<Profile${NS} a='x>y' b="1>2">`,
      '<!-- <fieldPermissions> in a comment -->',
      '<fieldPermissions><field>A</field><![CDATA[ </fieldPermissions> <x ]]></fieldPermissions>',
      '<custom/>',
      '<custom attr="a>b" />',
      '<layout><layout><layout/></layout></layout>',
      '<note>a &amp; b &#60; &#x3C; &lt;</note>',
      '</Profile >\n<!-- after -->\n',
    ].join('');
    expect(scanTopLevel(text)?.rootName).to.equal('Profile');
    expect(names(text)).to.deep.equal([
      'fieldPermissions:<fieldPermissions><field>A</field><![CDATA[ </fieldPermissions> <x ]]></fieldPermissions>',
      'custom:<custom/>',
      'custom:<custom attr="a>b" />',
      'layout:<layout><layout><layout/></layout></layout>',
      'note:<note>a &amp; b &#60; &#x3C; &lt;</note>',
    ]);
  });

  it('reads the raw key content of the first leaf child named after each key part', () => {
    const text = '<Profile><layoutAssignments><layout><x/></layout><recordType/><layout>L&amp;1</layout><layout>L2</layout></layoutAssignments></Profile>';
    const scan = scanTopLevel(text, (_root, child) => (child === 'layoutAssignments' ? ['layout', 'recordType'] : undefined));
    expect(scan?.children[0].keys).to.deep.equal(['L&amp;1', '']);
  });

  for (const [what, text] of [
    ['an unclosed element', '<Profile><a></Profile>'],
    ['a mismatched closing tag', '<Profile><a></b></Profile>'],
    ['a closing tag without opening', '<Profile></a></Profile>'],
    ['an unclosed root', '<Profile><a/>'],
    ['two roots', '<Profile/><Profile/>'],
    ['text after the root', '<Profile/>x'],
    ['text before the root', 'x<Profile/>'],
    ['a DOCTYPE', '<!DOCTYPE Profile [<!ENTITY e "x">]><Profile>&e;</Profile>'],
    ['a processing instruction', '<Profile><?pi x?></Profile>'],
    ['a declaration not at the start', ' <?xml version="1.0"?><Profile/>'],
    ['a bare ampersand', '<Profile><a>a & b</a></Profile>'],
    ['an unterminated entity', '<Profile><a>&amp</a></Profile>'],
    ['an unclosed comment', '<Profile><!-- x </Profile>'],
    ['an unclosed CDATA section', '<Profile><a><![CDATA[x</a></Profile>'],
    ['an attribute without quotes', '<Profile><a b=1/></Profile>'],
    ['a boolean attribute', '<Profile><a b/></Profile>'],
    ['a repeated attribute', '<Profile><a b="1" b="2"/></Profile>'],
    ['an unclosed quote', '<Profile><a b="1></a></Profile>'],
    ['"<" in an attribute', '<Profile><a b="<"/></Profile>'],
    ['a non-ASCII name', '<Profile><ä/></Profile>'],
    ['no element at all', '   '],
  ] as const) {
    it(`gives up on ${what}`, () => {
      expect(scanTopLevel(text)).to.equal(undefined);
    });
  }
});

describe('prune: pruning', () => {
  const profile = (...children: string[]): string => `${DECL}<Profile${NS}>\n${children.map((child) => `    ${child}\n`).join('')}</Profile>\n`;
  const fp = (field: string, editable: boolean): string => `<fieldPermissions><editable>${String(editable)}</editable><field>${field}</field><readable>true</readable></fieldPermissions>`;

  it('cuts keyed elements equal on both sides and keeps the root, its attributes and unkeyed elements', () => {
    const a = profile('<custom>false</custom>', fp('A.x', true), fp('A.y', true), fp('A.z', true), '<userLicense>Salesforce</userLicense>');
    const b = profile('<custom>false</custom>', fp('A.x', true), fp('A.y', false), fp('A.z', true), '<userLicense>Salesforce</userLicense>');
    const pruned = pruneCommonElements(a, b, tableFor)!;
    expect(pruned.pruned).to.equal(2);
    expect(pruned.from).to.equal(profile('<custom>false</custom>', fp('A.y', true), '<userLicense>Salesforce</userLicense>'));
    expect(pruned.to).to.equal(profile('<custom>false</custom>', fp('A.y', false), '<userLicense>Salesforce</userLicense>'));
  });

  it('treats elements equal up to surrounding whitespace as equal', () => {
    const a = profile(fp('A.x', true), fp('A.y', true));
    const b = `${DECL}<Profile${NS}>${fp('A.x', true)}\n\t\t${fp('A.y', false)}</Profile>`;
    expect(pruneCommonElements(a, b, tableFor)?.pruned).to.equal(1);
  });

  it('keeps an element on each side, so that the root is not compared as a leaf', () => {
    const a = profile(fp('A.x', true), fp('A.y', true));
    const b = profile(fp('A.x', true), fp('A.y', true), fp('A.z', true));
    const pruned = pruneCommonElements(a, b, tableFor)!;
    expect(pruned.pruned).to.equal(1);
    expect(pruned.from).to.equal(profile(fp('A.x', true)));
    expect(pruned.to).to.equal(profile(fp('A.x', true), fp('A.z', true)));
  });

  it('leaves unkeyed repeated elements whole (their order is compared)', () => {
    const a = profile('<note>1</note>', '<note>2</note>', fp('A.x', true));
    const b = profile('<note>2</note>', '<note>1</note>', fp('A.x', false));
    expect(pruneCommonElements(a, b, tableFor)).to.equal(undefined);
  });

  it('leaves ordered keyed lists whole (GlobalValueSet customValue)', () => {
    const value = (name: string): string => `<customValue><fullName>${name}</fullName><default>false</default><label>${name}</label></customValue>`;
    const a = `<GlobalValueSet${NS}>${value('A')}${value('B')}${value('C')}<masterLabel>X</masterLabel></GlobalValueSet>`;
    const b = `<GlobalValueSet${NS}>${value('B')}${value('A')}${value('C')}<masterLabel>Y</masterLabel></GlobalValueSet>`;
    expect(pruneCommonElements(a, b, tableFor)).to.equal(undefined);
  });

  it('leaves a group whole when its keys are repeated or missing on either side (it is compared by position)', () => {
    const dup = profile(fp('A.x', true), fp('A.x', true), fp('A.y', true));
    expect(pruneCommonElements(dup, profile(fp('A.x', true), fp('A.x', true), fp('A.y', false)), tableFor)).to.equal(undefined);
    const sameKey = profile(fp('A.x', true), fp('A.x', false), fp('A.y', true));
    expect(pruneCommonElements(sameKey, profile(fp('A.x', true), fp('A.y', false)), tableFor)).to.equal(undefined);
    const noKey = profile(fp('A.x', true), '<fieldPermissions><editable>true</editable></fieldPermissions>', fp('A.y', true));
    expect(pruneCommonElements(noKey, profile(fp('A.x', true), fp('A.y', false)), tableFor)).to.equal(undefined);
    // Keys compared as the parser reads them: `A&amp;x` and `<![CDATA[A&x]]>` are the same key (numeric character
    // references are not decoded by the parser: `A&#38;x` is another key).
    const entities = profile(fp('A&amp;x', true), fp('<![CDATA[A&x]]>', true), fp('A.y', true));
    expect(pruneCommonElements(entities, profile(fp('A&amp;x', true), fp('<![CDATA[A&x]]>', true), fp('A.y', false)), tableFor)).to.equal(undefined);
    const numeric = profile(fp('A&amp;x', true), fp('A&#38;x', true), fp('A.y', true));
    expect(pruneCommonElements(numeric, profile(fp('A&amp;x', true), fp('A&#38;x', true), fp('A.y', false)), tableFor)?.pruned).to.equal(2);
    // A group that is uniquely keyed is still pruned beside one that is not.
    const mixed = profile(fp('A.x', true), fp('A.x', true), '<classAccesses><apexClass>C</apexClass><enabled>true</enabled></classAccesses>', '<custom>true</custom>');
    const mixedB = profile(fp('A.x', true), fp('A.x', true), '<classAccesses><apexClass>C</apexClass><enabled>true</enabled></classAccesses>', '<custom>false</custom>');
    expect(pruneCommonElements(mixed, mixedB, tableFor)?.pruned).to.equal(1);
  });

  it('gives up on malformed XML, and the validator reports the original file:line:column', async () => {
    const bad = (editable: string): string => profile(fp('A.x', true), '<fieldPermissions><field>A.b</field><editable>t & f</editable></fieldPermissions>', fp('A.y', editable === 'true'));
    expect(pruneCommonElements(bad('true'), bad('false'), tableFor)).to.equal(undefined);
    const pruned = await outcome('Profile', 'force-app/profiles/X.profile-meta.xml', bad('true'), bad('false'), false, true);
    const whole = await outcome('Profile', 'force-app/profiles/X.profile-meta.xml', bad('true'), bad('false'), false, false);
    expect(pruned.error).to.match(/MalformedXml.*X\.profile-meta\.xml.*4.*/s);
    expect(pruned).to.deep.equal(whole);
  });

  it('reports formatting-only changes under strict as before', async () => {
    const a = profile(fp('A.x', true), fp('A.y', true), fp('A.z', true));
    const b = profile(fp('A.x', true), fp('A.z', true), fp('A.y', true).replace('<field>', '\n        <field>'));
    const strict = await outcome('Profile', 'force-app/profiles/X.profile-meta.xml', a, b, true, true);
    expect(strict.changeset?.changes.map((change) => change.formattingOnly)).to.deep.equal([true]);
    await expectSameWithAndWithout('Profile', 'force-app/profiles/X.profile-meta.xml', a, b);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Equivalence: compare with pruning gives the same Changeset as without, on generated documents and mutations.

type Child = { readonly tag: string; readonly body: readonly string[] };

const bool = fc.boolean().map(String);
const FIELDS = ['Account.Name', 'Account.Region__c', 'Case.Subject', 'A&amp;B.c', 'Lead.X__c', 'Contact.Y__c'];

const fieldPermission = fc
  .record({ field: fc.constantFrom(...FIELDS, ''), editable: bool, readable: bool, cdata: fc.boolean() })
  .map(({ field, editable, readable, cdata }): Child => ({
    tag: 'fieldPermissions',
    body: [`<editable>${editable}</editable>`, ...(field === '' ? [] : [cdata ? `<field><![CDATA[${field.replace('&amp;', '&')}]]></field>` : `<field>${field}</field>`]), `<readable>${readable}</readable>`],
  }));
const classAccess = fc.record({ cls: fc.constantFrom('C1', 'C2', 'C3', 'C4'), enabled: bool }).map(({ cls, enabled }): Child => ({ tag: 'classAccesses', body: [`<apexClass>${cls}</apexClass>`, `<enabled>${enabled}</enabled>`] }));
const layoutAssignment = fc
  .record({ layout: fc.constantFrom('L1', 'L2'), recordType: fc.constantFrom('R1', 'R2', '') })
  .map(({ layout, recordType }): Child => ({ tag: 'layoutAssignments', body: [`<layout>${layout}</layout>`, ...(recordType ? [`<recordType>${recordType}</recordType>`] : [])] }));
const unkeyed = fc.constantFrom<Child>({ tag: 'custom', body: ['true'] }, { tag: 'custom', body: ['false'] }, { tag: 'description', body: ['d &lt; 1'] }, { tag: 'loginFlows', body: ['<flow>F</flow>'] });
const profileChild = fc.oneof(fieldPermission, fieldPermission, classAccess, layoutAssignment, unkeyed);

const label = fc
  .record({ name: fc.constantFrom('Greeting', 'Bye', 'Hello', 'Thanks'), value: fc.constantFrom('Hi', 'Hello', 'a &amp; b', '<![CDATA[x < y]]>'), protected: bool })
  .map(({ name, value, protected: isProtected }): Child => ({
    tag: 'labels',
    body: [`<fullName>${name}</fullName>`, '<language>en_US</language>', `<protected>${isProtected}</protected>`, `<shortDescription>${name}</shortDescription>`, `<value>${value}</value>`],
  }));

/** Indentation per element: 0 compact, 1 Salesforce's, 2 odd (with a comment). */
function render(root: string, children: readonly Child[], styles: readonly number[]): string {
  const parts = children.map((child, index) => {
    const style = styles[index % styles.length] ?? 1;
    const inner = child.body.length === 1 && !child.body[0].startsWith('<') ? child.body[0] : child.body.join(style === 1 ? '\n        ' : '');
    const open = child.body.length === 1 && !child.body[0].startsWith('<') ? '' : style === 1 ? '\n        ' : '';
    const close = open ? '\n    ' : '';
    const element = `<${child.tag}>${open}${inner}${close}</${child.tag}>`;
    return style === 2 ? `<!-- c -->\n  ${element}` : `    ${element}`;
  });
  return `${DECL}<${root}${NS}>\n${parts.join('\n')}\n</${root}>\n`;
}

type Mutation = { readonly op: 'flip' | 'remove' | 'duplicate' | 'insert' | 'swap' | 'replace'; readonly at: number; readonly to: number };
const mutation = fc.record({ op: fc.constantFrom<Mutation['op']>('flip', 'remove', 'duplicate', 'insert', 'swap', 'replace'), at: fc.nat(), to: fc.nat() });

function mutate(children: readonly Child[], mutations: readonly Mutation[], fresh: readonly Child[]): Child[] {
  const result = [...children];
  mutations.forEach((m, n) => {
    if (result.length === 0) return;
    const at = m.at % result.length;
    const to = m.to % result.length;
    const extra = fresh[n % fresh.length];
    if (m.op === 'flip') result[at] = { ...result[at], body: result[at].body.map((line) => (line.includes('true') ? line.replace('true', 'false') : line.replace('false', 'true'))) };
    else if (m.op === 'remove') result.splice(at, 1);
    else if (m.op === 'duplicate') result.splice(to, 0, result[at]);
    else if (m.op === 'insert' && extra) result.splice(to, 0, extra);
    else if (m.op === 'swap') [result[at], result[to]] = [result[to], result[at]];
    else if (m.op === 'replace' && extra) result[at] = extra;
  });
  return result;
}

describe('prune: compare with pruning equals compare without', function () {
  this.timeout(120_000);

  function property(root: string, type: string, path: string, child: fc.Arbitrary<Child>): fc.IAsyncProperty<[Child[], Mutation[], Child[], number[], number[]]> {
    return fc.asyncProperty(
      fc.array(child, { minLength: 0, maxLength: 12 }),
      fc.array(mutation, { minLength: 0, maxLength: 3 }),
      fc.array(child, { minLength: 1, maxLength: 3 }),
      fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 4 }),
      fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 4 }),
      async (children, mutations, fresh, stylesA, stylesB) => {
        const a = render(root, children, stylesA);
        const b = render(root, mutate(children, mutations, fresh), stylesB);
        await expectSameWithAndWithout(type, path, a, b);
      }
    );
  }

  it('on Profile-like documents', async () => {
    await fc.assert(property('Profile', 'Profile', 'force-app/main/default/profiles/X.profile-meta.xml', profileChild), { numRuns: 300 });
  });

  it('on CustomLabels-like documents (in-file children)', async () => {
    await fc.assert(property('CustomLabels', 'CustomLabels', 'force-app/main/default/labels/X.labels-meta.xml', label), { numRuns: 300 });
  });

  it('prunes in most generated cases (the property is not vacuous)', () => {
    let pruned = 0;
    fc.assert(
      fc.property(fc.array(profileChild, { minLength: 4, maxLength: 12 }), mutation, (children, m) => {
        const a = render('Profile', children, [1]);
        const b = render('Profile', mutate(children, [m], [{ tag: 'custom', body: ['x'] }]), [1]);
        if (pruneCommonElements(a, b, tableFor)) pruned++;
      }),
      { numRuns: 200 }
    );
    expect(pruned).to.be.greaterThan(20);
  });
});

describe('prune: a text the scanner reads whole is well-formed', () => {
  // compare parses scanned texts without the validator (xml.ts `wellFormed`): that is only sound if the scanner never
  // accepts a text the validator refuses. Texts are made of XML-ish pieces, valid or not, in any order.
  const piece = fc.constantFrom(
    '<Profile>', '</Profile>', '<a>', '</a>', '<b x="1">', '<b x=\'2\'>', '</b>', '<c/>', '<c y="1"/>', 'text', ' ', '\n', '&amp;', '&#38;',
    '&', '&bogus', '<!-- c -->', '<!--', '-->', '<![CDATA[x<y]]>', '<![CDATA[', ']]>', '<?pi?>', '<', '>', '"', '<d e="1" e="2"/>', '<f g/>',
    '<h i=1/>', '</', '<a:b>', '</a:b>', '<1>'
  );
  it('never accepts what the validator refuses', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.boolean(), fc.array(piece, { minLength: 1, maxLength: 14 }), (declared, pieces) => {
        const text = `${declared ? DECL : ''}<Profile>${pieces.join('')}</Profile>`;
        if (!scanTopLevel(text)) return;
        accepted++;
        expect(XMLValidator.validate(text, { allowBooleanAttributes: false }), text).to.equal(true);
      }),
      { numRuns: 3000 }
    );
    expect(accepted, 'texts the scanner accepted').to.be.greaterThan(100);
  });
});

describe('prune: a text scanned with a guide (the other version of the file)', () => {
  // Root children of the second text that are byte for byte children of the first are taken from the first one's
  // scan. The result must be the scan of the text alone: the same children, offsets and keys, and no acceptance of a
  // text the scanner alone refuses.
  // Keys depend on the root: a text whose root was renamed must not take its keys from the guide.
  const keyParts: KeyParts = (root, child) => (root !== 'Profile' ? undefined : child === 'fieldPermissions' ? ['field'] : child === 'tabVisibilities' ? ['tab'] : undefined);
  const element = fc.constantFrom(
    '<fieldPermissions><editable>true</editable><field>A.x</field></fieldPermissions>',
    '<fieldPermissions><editable>false</editable><field>A.x</field></fieldPermissions>',
    '<fieldPermissions><field>A.y</field><readable>true</readable></fieldPermissions>',
    '<fieldPermissions><field>A.&amp;z</field></fieldPermissions>',
    '<fieldPermissions><field>A.w</field></fieldPermissions>',
    '<tabVisibilities><tab>T</tab><visibility>DefaultOn</visibility></tabVisibilities>',
    '<tabVisibilities><tab>T</tab></tabVisibilities>',
    '<custom>false</custom>',
    '<userLicense>Salesforce</userLicense>',
    '<empty/>',
    '<!-- note -->',
    '<fieldPermissions><field>A.bad</fieldPermissions>',
    '<fieldPermissions><field>A & B</field></fieldPermissions>',
    '</Profile><after/>',
    '<unclosed>',
    '<fieldPermissions><field>A.x</field></fieldPermissions>\n    ',
    '\n    '
  );
  const edit = fc.record({ at: fc.nat(), kind: fc.constantFrom('insert', 'delete', 'replace', 'keep'), with: element });
  const renderRoot = (children: readonly string[], root = 'Profile'): string => `${DECL}<${root}${NS}>\n    ${children.join('\n    ')}\n</${root}>\n`;

  it('finds what the scanner alone finds, whatever changed between the two versions', () => {
    const before = guidedChildren.count;
    let compared = 0;
    fc.assert(
      fc.property(fc.array(element, { minLength: 1, maxLength: 12 }), fc.array(edit, { maxLength: 4 }), fc.boolean(), (children, edits, renamed) => {
        const next = [...children];
        for (const change of edits) {
          const at = change.at % (next.length + 1);
          if (change.kind === 'insert') next.splice(at, 0, change.with);
          else if (change.kind === 'delete') next.splice(at, 1);
          else if (change.kind === 'replace') next.splice(at, 1, change.with);
        }
        const a = renderRoot(children);
        const b = renderRoot(next, renamed ? 'PermissionSet' : 'Profile');
        const sa = scanTopLevel(a, keyParts);
        if (!sa) return;
        compared++;
        expect(scanTopLevel(b, keyParts, { text: a, scan: sa }), `${a}\n---\n${b}`).to.deep.equal(scanTopLevel(b, keyParts));
      }),
      { numRuns: 2000 }
    );
    expect(compared, 'pairs whose first text the scanner read').to.be.greaterThan(300);
    expect(guidedChildren.count - before, 'root children taken from the guide').to.be.greaterThan(300);
  });
});
