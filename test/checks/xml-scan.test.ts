import { expect } from 'chai';
import { addressOf, checkXml, descendants, scanXml, XmlScanError } from '../../src/checks/xml-scan.js';

describe('light XML scanner', () => {
  it('gives elements, decoded text and positions', () => {
    const xml = scanXml('<?xml version="1.0"?>\n<A xmlns="x">\n  <b>one &amp; two</b>\n  <c><![CDATA[<raw>]]></c>\n  <!-- note -->\n  <d/>\n</A>\n', 'a.xml');
    expect(xml.root.name).to.equal('A');
    const [b, c, d] = xml.root.children;
    expect([b.text, c.text, d.name]).to.deep.equal(['one & two', '<raw>', 'd']);
    expect(xml.locate(b.textStart)).to.deep.equal({ line: 3, column: 6 });
  });

  it('accepts well-formed XML in the validate-only pass', () => {
    expect(() => checkXml('<?xml version="1.0"?>\n<A><b x="1">t &amp; u</b><![CDATA[<x>]]><c/><!-- <d> --></A>\n', 'ok.xml')).to.not.throw();
  });

  it('addresses list items by their key the way overlay patches do', () => {
    const xml = scanXml('<W><alerts><fullName>X</fullName><recipients><recipient>u@x</recipient></recipients></alerts></W>', 'w.xml');
    expect(addressOf(descendants(xml.root, 'recipient')[0])).to.equal('alerts[fullName=X]/recipients/recipient');
  });

  for (const [text, reason, line, column] of [
    ['<A>\n  <b>x</c>\n</A>', '</c> does not match <b>', 2, 7],
    ['<A>\n  <b>x</b>\n', '<A> is never closed', 1, 1],
    ['<A><b x=1>y</b></A>', 'a "<" that starts no tag', 1, 4],
    ['', 'no root element', 1, 1],
    ['<A/><B/>', 'a second root element <B>', 1, 5],
  ] as const) {
    it(`refuses ${JSON.stringify(text)} with its position`, () => {
      let error: unknown;
      try {
        scanXml(text, 'bad.xml');
      } catch (thrown) {
        error = thrown;
      }
      expect(error).to.be.instanceOf(XmlScanError);
      expect((error as XmlScanError).reason).to.contain(reason);
      expect((error as XmlScanError).position).to.deep.equal({ line, column });
      // The validate-only pass (CN-XML-01 over every file) refuses it the same way.
      let checked: unknown;
      try {
        checkXml(text, 'bad.xml');
      } catch (thrown) {
        checked = thrown;
      }
      expect((checked as XmlScanError).message).to.equal((error as XmlScanError).message);
    });
  }
});
