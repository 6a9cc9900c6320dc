import { expect } from 'chai';
import { toDiffResult, type DiffResult } from '../../src/compare/result.js';
import type { Change } from '../../src/compare/types.js';
import { renderHuman } from '../../src/report/human.js';
import { sampleChangeset } from './fixtures.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[\d+m/g;
const plain = (result: DiffResult, limit?: number): string => renderHuman(result, { color: false, limit });
const sample = (): DiffResult =>
  toDiffResult(sampleChangeset(), {
    notDeletable: [{ type: 'StandardValueSet', fullName: 'LeadSource', reason: 'Standard value sets cannot be deleted.' }],
    manifests: { outputDir: '/tmp/delta', files: ['destructiveChangesPost.xml', 'package.xml'] },
  });

function linesOf(text: string): string[] {
  return text.split('\n');
}

describe('renderHuman', () => {
  it('names both sources and the API version first', () => {
    const lines = linesOf(plain(sample()));
    expect(lines[0]).to.equal('Differences from git:origin/main to org:china-prod');
    expect(lines[1]).to.equal('  from: origin/main (1f3c2a9)');
    expect(lines[2]).to.equal('  to: china-prod (00D5g000004XyZaEAK, https://cn.example)');
    expect(lines[3]).to.equal('  API version 62.0');
  });

  it('counts per type and in total, in added/removed/changed/renamed columns', () => {
    const text = plain(sample());
    expect(text).to.match(/^ {2}Type\s+Added\s+Removed\s+Changed\s+Renamed$/m);
    expect(text).to.match(/^ {2}ApexClass\s+1\s+1\s+0\s+0$/m);
    expect(text).to.match(/^ {2}Flow\s+0\s+0\s+0\s+1$/m);
    expect(text).to.match(/^ {2}Total\s+1\s+1\s+4\s+1$/m);
  });

  it('groups the changes by kind, in order, with element details before → after', () => {
    const text = plain(sample());
    const order = ['Added (1)', 'Removed (1)', 'Changed (4)', 'Renamed (1)'].map((heading) => text.indexOf(`\n${heading}\n`));
    expect(order.every((at) => at > 0)).to.equal(true);
    expect([...order].sort((a, b) => a - b)).to.deep.equal(order);
    expect(text).to.include('  + ApexClass NewService\n');
    expect(text).to.include('  - ApexClass OldService\n');
    expect(text).to.include('  ~ CustomField Account.Region__c\n      ~ label: Region → Sales | Region\n      + inlineHelpText: Use `CN` for China\n');
    expect(text).to.include('      ~ fieldPermissions[field=Account.Region__c]/editable: true → false');
    expect(text).to.include('      ~ value: Hello → 你好');
    expect(text).to.include('      ~ force-app/main/default/lwc/banner/banner.js');
    expect(text).to.include('  → Flow Onboarding\n      force-app/flows/Onboarding.flow-meta.xml → force-app-china/flows/Onboarding.flow-meta.xml');
  });

  it('shortens long and multi-line values to one line', () => {
    const base = sampleChangeset();
    const xml = `<fieldPermissions>\n    <editable>true</editable>\n    <field>${'Account.Very_Long_Field_Name__c'.repeat(3)}</field>\n</fieldPermissions>`;
    const change: Change = { key: 'Profile:Sales', type: 'Profile', fullName: 'Sales', kind: 'changed', elements: [{ path: 'fieldPermissions[field=X]', kind: 'removed', before: xml }] };
    const line = linesOf(plain(toDiffResult({ ...base, changes: [change] }))).find((candidate) => candidate.includes('fieldPermissions[field=X]'))!;
    const value = line.slice(line.indexOf(': ') + 2);
    expect(value).to.equal('<fieldPermissions> <editable>true</editable> <field>Account…');
    expect(value.endsWith('…')).to.equal(true);
    expect([...value]).to.have.length(60);
  });

  it('shows where a long value changed on both sides of before → after, not just its common start', () => {
    const label = 'Welcome to Coral Cloud Resorts, the place where your holiday starts. Check-in opens at %s PM.';
    const change: Change = { key: 'CustomLabel:Welcome_Text', type: 'CustomLabel', fullName: 'Welcome_Text', kind: 'changed', elements: [{ path: 'value', kind: 'changed', before: label.replace('%s', '3'), after: label.replace('%s', '4') }] };
    const text = plain(toDiffResult({ ...sampleChangeset(), changes: [change] }));
    expect(text).to.include('      ~ value: …place where your holiday starts. Check-in opens at 3 PM. → …place where your holiday starts. Check-in opens at 4 PM.\n');
  });

  it('marks each file of a bundle as added (+), removed (-) or edited (~)', () => {
    const A = 'force-app/main/default/aura/openRecordAction';
    const change: Change = {
      key: 'AuraDefinitionBundle:openRecordAction', type: 'AuraDefinitionBundle', fullName: 'openRecordAction', kind: 'changed', elements: [],
      files: [`${A}/openRecordAction.design`, `${A}/openRecordActionController.js`, `${A}/openRecordAction.cmp`],
      fileChanges: [{ path: `${A}/openRecordAction.design`, kind: 'removed' }, { path: `${A}/openRecordActionController.js`, kind: 'added' }, { path: `${A}/openRecordAction.cmp`, kind: 'changed' }],
    };
    const text = plain(toDiffResult({ ...sampleChangeset(), changes: [change] }));
    expect(text).to.include(`  ~ AuraDefinitionBundle openRecordAction\n      - ${A}/openRecordAction.design\n      + ${A}/openRecordActionController.js\n      ~ ${A}/openRecordAction.cmp\n`);
    expect(renderHuman(toDiffResult({ ...sampleChangeset(), changes: [change] }), { color: true })).to.include(`\u001b[31m-\u001b[39m ${A}/openRecordAction.design`);
  });

  it('lists what cannot be deleted, the files not compared, and the manifests written', () => {
    const text = plain(sample());
    expect(text).to.include('(1)\n  StandardValueSet LeadSource: Standard value sets cannot be deleted.');
    expect(text).to.include('  ! force-app/main/default/notes.txt: not a metadata file the registry knows');
    expect(text).to.include('Wrote 2 file(s) to /tmp/delta\n  destructiveChangesPost.xml\n  package.xml');
  });

  it('colours only when asked, and the colours wrap the same text', () => {
    const result = sample();
    const coloured = renderHuman(result, { color: true });
    expect(plain(result)).not.to.match(ANSI);
    expect(coloured).to.include('\u001b[32m+\u001b[39m ApexClass');
    expect(coloured).to.include('\u001b[31m-\u001b[39m ApexClass');
    expect(coloured.replace(ANSI, '')).to.equal(plain(result));
  });

  it('shows at most `limit` changes per section and details per change, and counts the rest', () => {
    const base = sampleChangeset();
    const changes: Change[] = ['A', 'B', 'C', 'D', 'E'].map((name) => ({ key: `ApexClass:${name}`, type: 'ApexClass', fullName: name, kind: 'added', elements: [] }));
    changes.push({ key: 'Profile:P', type: 'Profile', fullName: 'P', kind: 'changed', elements: ['a', 'b', 'c'].map((path) => ({ path, kind: 'added', after: 'x' })) });
    const text = plain(toDiffResult({ ...base, changes }), 2);
    expect(text).to.include('  + ApexClass A\n  + ApexClass B\n  … and 3 more (run with --json to see all)\n');
    expect(text).not.to.include('ApexClass C');
    expect(text).to.include('      + a: x\n      + b: x\n      … and 1 more');
  });

  it('leads with drift on a region-aware diff, and tags every change with its classification', () => {
    const base = sampleChangeset();
    const classes = ['drift', 'overlay', 'drift', 'region-owned', 'not-promoted', 'overlay', 'overlay'] as const;
    const result = toDiffResult({ ...base, changes: base.changes.map((change, i): Change => ({ ...change, classification: classes[i] })) });
    const lines = linesOf(plain(result));
    expect(lines[5]).to.equal('Drift: 2 unexplained difference(s). Explained: 3 by the overlay, 1 owned by the region, 1 not yet promoted.');
    const text = lines.join('\n');
    const drift = text.indexOf('\nUnexplained drift (2)\n');
    expect(drift).to.be.greaterThan(0).and.lessThan(text.indexOf('\nRemoved ('));
    expect(text.slice(drift)).to.match(/^\nUnexplained drift \(2\)\n {2}\+ ApexClass NewService \[drift\]\n {2}~ CustomField Account\.Region__c \[drift\]/);
    expect(text).to.include('  - ApexClass OldService [overlay]');
    // The one added change is drift: it is listed under drift, not again under Added.
    expect(text).not.to.include('\nAdded (');
    expect(text).to.include('\nChanged (3)\n');
  });

  it('says so when there are no differences', () => {
    const text = plain(toDiffResult(sampleChangeset({ changes: [], unclassified: [] })));
    expect(text).to.include('\nNo differences.');
    expect(text).not.to.include('Total');
  });
});
