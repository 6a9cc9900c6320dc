import { expect } from 'chai';
import { formatAddress, parseAddress, selectElements } from '../../src/metadata/address.js';
import { parseXmlDocument, textOf } from '../../src/metadata/xml.js';

const profile = parseXmlDocument(
  Buffer.from(`<Profile>
  <fieldPermissions><editable>true</editable><field>Account.Region__c</field></fieldPermissions>
  <fieldPermissions><editable>false</editable><field>Account.Rating</field></fieldPermissions>
  <layoutAssignments><layout>Account-Account Layout</layout></layoutAssignments>
  <layoutAssignments><layout>Account-Account Layout</layout><recordType>Account.Retail</recordType></layoutAssignments>
  <label>Sales</label>
</Profile>`),
  'p.xml'
);

describe('element addresses', () => {
  it('parses and formats keys, positions and attributes', () => {
    const text = 'layoutAssignments[layout=Account-Account Layout][recordType=Account.Retail]/x[2]/@xsi:nil';
    expect(parseAddress(text)).to.deep.equal([
      { name: 'layoutAssignments', keys: [['layout', 'Account-Account Layout'], ['recordType', 'Account.Retail']], index: undefined },
      { name: 'x', keys: [], index: 2 },
      { name: '@xsi:nil', keys: [], index: undefined },
    ]);
    expect(formatAddress(parseAddress(text))).to.equal(text);
  });

  it('escapes "]" and "\\" in values and accepts quoted values', () => {
    const address = [{ name: 'a', keys: [['k', 'x]y\\z'] as const] }];
    expect(formatAddress(address)).to.equal('a[k=x\\]y\\\\z]');
    expect(parseAddress('a[k=x\\]y\\\\z]')[0].keys).to.deep.equal([['k', 'x]y\\z']]);
    expect(parseAddress('a[k="x]/y"]')[0].keys).to.deep.equal([['k', 'x]/y']]);
  });

  it('refuses malformed addresses with the column', () => {
    expect(() => parseAddress('a[k=v')).to.throw(/at column 6: expected "\]"/);
    expect(() => parseAddress('a//b')).to.throw(/at column 3: expected an element name/);
    expect(() => parseAddress('')).to.throw(/the address is empty/);
  });

  it('selects by key, by position, and returns every match', () => {
    const editable = selectElements(profile, 'fieldPermissions[field=Account.Region__c]/editable');
    expect(editable.map((m) => textOf(m.node))).to.deep.equal(['true']);
    expect(selectElements(profile, 'fieldPermissions[2]/field').map((m) => textOf(m.node))).to.deep.equal(['Account.Rating']);
    expect(selectElements(profile, 'label').map((m) => textOf(m.node))).to.deep.equal(['Sales']);
    expect(selectElements(profile, 'layoutAssignments[layout=Account-Account Layout]')).to.have.length(2);
    expect(selectElements(profile, 'layoutAssignments[layout=Account-Account Layout][recordType=]')).to.have.length(1);
    expect(selectElements(profile, 'fieldPermissions[field=Nope]')).to.deep.equal([]);
  });
});
