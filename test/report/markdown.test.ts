import { expect } from 'chai';
import { toDiffResult, type DiffResult } from '../../src/compare/result.js';
import type { Change } from '../../src/compare/types.js';
import { code, renderMarkdown } from '../../src/report/markdown.js';
import { sampleChangeset } from './fixtures.js';

const sample = (): DiffResult =>
  toDiffResult(sampleChangeset(), { notDeletable: [{ type: 'StandardValueSet', fullName: 'LeadSource', reason: 'Standard value sets cannot be deleted.' }] });

/** Cells of a table row, split as GitHub does: on every `|` not escaped with a backslash. */
function cells(row: string): string[] {
  return row.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim());
}

function section(markdown: string, type: string): string {
  const start = markdown.indexOf(`<summary><b>${type}</b>`);
  return markdown.slice(start, markdown.indexOf('</details>', start));
}

describe('renderMarkdown', () => {
  it('heads with both sources and a table of counts, in total and per type', () => {
    const markdown = renderMarkdown(sample());
    expect(markdown.split('\n')[0]).to.equal('### sf federate diff: `git:origin/main` → `org:china-prod`');
    const rows = markdown.split('\n').filter((line) => line.startsWith('| '));
    expect(cells(rows[0])).to.deep.equal(['Type', 'Added', 'Removed', 'Changed', 'Renamed', 'Total']);
    expect(cells(rows[2])).to.deep.equal(['**All types**', '**1**', '**1**', '**4**', '**1**', '**7**']);
    expect(cells(rows.find((row) => row.startsWith('| `ApexClass`'))!)).to.deep.equal(['`ApexClass`', '1', '1', '0', '0', '2']);
  });

  it('draws a mermaid pie of the non-zero counts', () => {
    const base = sampleChangeset();
    const markdown = renderMarkdown(toDiffResult({ ...base, changes: base.changes.filter((change) => change.kind !== 'renamed') }));
    const pie = markdown.slice(markdown.indexOf('```mermaid\n'), markdown.indexOf('```\n', markdown.indexOf('```mermaid') + 3));
    expect(pie).to.equal('```mermaid\npie showData title Changes by kind\n    "Added" : 1\n    "Removed" : 1\n    "Changed" : 4\n');
  });

  it('puts each type in a collapsible section whose table has the element changes', () => {
    const markdown = renderMarkdown(sample());
    // One per type (6), one for what cannot be deleted, one for the files not compared.
    expect(markdown.match(/<details>/g)).to.have.length(8);
    const apex = section(markdown, 'ApexClass');
    expect(apex).to.include('<summary><b>ApexClass</b>: 1 added, 1 removed</summary>');
    const field = section(markdown, 'CustomField').split('\n').filter((line) => line.startsWith('| '));
    expect(cells(field[0])).to.deep.equal(['Change', 'Component', 'Element', 'Before', 'After']);
    expect(cells(field[2])).to.deep.equal(['🟡 changed', '`Account.Region__c`', '🟡 `label`', '`Region`', '`Sales \\| Region`']);
    expect(cells(field[3])).to.deep.equal(['', '', '🟢 `inlineHelpText`', '', '``Use `CN` for China``']);
    const profile = section(markdown, 'Profile').split('\n').filter((line) => line.startsWith('| '));
    expect(cells(profile[2])).to.deep.equal(['🟡 changed', '`Admin`', '🟡 `fieldPermissions[field=Account.Region__c]/editable`', '`true`', '`false`']);
    expect(markdown).to.include('- `StandardValueSet:LeadSource`: Standard value sets cannot be deleted.');
    expect(markdown).to.include('- `force-app/main/default/notes.txt`: not a metadata file the registry knows');
  });

  it('keeps every row at five cells whatever the values hold (pipes, backticks, newlines)', () => {
    const base = sampleChangeset();
    const nasty: Change = {
      key: 'CustomLabel:Pipe|Label', type: 'CustomLabel', fullName: 'Pipe|Label', kind: 'changed',
      elements: [{ path: 'value', kind: 'changed', before: '`a|b`\n| c |', after: '``x``|`' }],
    };
    const markdown = renderMarkdown(toDiffResult({ ...base, changes: [nasty] }));
    const row = section(markdown, 'CustomLabel').split('\n').filter((line) => line.startsWith('| '))[2];
    expect(cells(row)).to.have.length(5);
    expect(cells(row)[1]).to.equal('`Pipe\\|Label`');
    expect(cells(row)[3]).to.equal('`` `a\\|b` \\| c \\| ``');
    expect(cells(row)[4]).to.equal('``` ``x``\\|` ```');
  });

  it('shows where a long value changed in both the Before and the After cell', () => {
    const label = 'Welcome to Coral Cloud Resorts, the place where your holiday starts. Check-in opens at %s PM.';
    const change: Change = { key: 'CustomLabel:Welcome_Text', type: 'CustomLabel', fullName: 'Welcome_Text', kind: 'changed', elements: [{ path: 'value', kind: 'changed', before: label.replace('%s', '3'), after: label.replace('%s', '4') }] };
    const row = section(renderMarkdown(toDiffResult({ ...sampleChangeset(), changes: [change] })), 'CustomLabel').split('\n').filter((line) => line.startsWith('| '))[2];
    expect(cells(row).slice(3)).to.deep.equal(['`…place where your holiday starts. Check-in opens at 3 PM.`', '`…place where your holiday starts. Check-in opens at 4 PM.`']);
  });

  it('marks each file of a bundle as added, removed or edited with the icons of the Change column', () => {
    const A = 'force-app/main/default/aura/openRecordAction';
    const change: Change = {
      key: 'AuraDefinitionBundle:openRecordAction', type: 'AuraDefinitionBundle', fullName: 'openRecordAction', kind: 'changed', elements: [],
      files: [`${A}/openRecordAction.design`, `${A}/openRecordActionController.js`, `${A}/openRecordAction.cmp`],
      fileChanges: [{ path: `${A}/openRecordAction.design`, kind: 'removed' }, { path: `${A}/openRecordActionController.js`, kind: 'added' }, { path: `${A}/openRecordAction.cmp`, kind: 'changed' }],
    };
    const rows = section(renderMarkdown(toDiffResult({ ...sampleChangeset(), changes: [change] })), 'AuraDefinitionBundle').split('\n').filter((line) => line.startsWith('| '));
    expect(rows.slice(2).map((row) => cells(row).slice(0, 3))).to.deep.equal([
      ['🟡 changed', '`openRecordAction`', `🔴 \`${A}/openRecordAction.design\``],
      ['', '', `🟢 \`${A}/openRecordActionController.js\``],
      ['', '', `🟡 \`${A}/openRecordAction.cmp\``],
    ]);
  });

  it('writes code spans that hold any backtick run', () => {
    expect(code('plain')).to.equal('`plain`');
    expect(code('a`b')).to.equal('``a`b``');
    expect(code('`x`')).to.equal('`` `x` ``');
    expect(code('a``b')).to.equal('```a``b```');
    expect(code('')).to.equal('');
  });

  it('caps the rows per type and counts the rest', () => {
    const base = sampleChangeset();
    const changes: Change[] = ['A', 'B', 'C', 'D'].map((name) => ({ key: `ApexClass:${name}`, type: 'ApexClass', fullName: name, kind: 'added', elements: [] }));
    const apex = section(renderMarkdown(toDiffResult({ ...base, changes }), { maxRowsPerType: 3 }), 'ApexClass');
    expect(apex.split('\n').filter((line) => line.startsWith('| 🟢'))).to.have.length(3);
    expect(apex).to.include('… and 1 more (see the --json output).');
  });

  it('leads with drift and marks classified changes on a region-aware diff', () => {
    const base = sampleChangeset();
    const changes = base.changes.map((change, i): Change => ({ ...change, classification: i === 1 ? 'drift' : 'overlay' }));
    const markdown = renderMarkdown(toDiffResult({ ...base, changes }));
    expect(markdown.split('\n')[2]).to.equal('⚠️ **Drift: 1 unexplained difference(s).** Explained: 6 by the overlay, 0 owned by the region, 0 not yet promoted.');
    const apex = section(markdown, 'ApexClass').split('\n').filter((line) => line.startsWith('| '));
    expect(cells(apex[2])[0]).to.equal('🔴 removed (drift)');
  });

  it('says so when there are no differences, without a table or a pie', () => {
    const markdown = renderMarkdown(toDiffResult(sampleChangeset({ changes: [], unclassified: [] })));
    expect(markdown).to.include('\nNo differences.\n');
    expect(markdown).not.to.include('mermaid');
    expect(markdown).not.to.include('| ');
  });

  it('escapes markdown in warnings', () => {
    expect(renderMarkdown(toDiffResult(sampleChangeset({ warnings: ['<b>bold</b> *x* | y'] })))).to.include('- \\<b\\>bold\\</b\\> \\*x\\* \\| y');
  });
});
