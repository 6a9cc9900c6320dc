import { expect } from 'chai';
import { parseOverlay } from '../../src/overlay/load.js';

const refused = (text: string): string => {
  try {
    parseOverlay(text, 'overlays/china/overlay.yml');
  } catch (error) {
    expect((error as { exitCode?: number }).exitCode).to.equal(2);
    return (error as Error).message;
  }
  throw new Error('expected the overlay to be refused');
};

describe('overlay.yml parsing', () => {
  it('reads every rule kind with its line', () => {
    const overlay = parseOverlay('exclude:\n  - type: Bot\npatches:\n  - component: NamedCredential:Payments\n    path: endpoint\n    set: x\nreplace:\n  - glob: "**/*.cls"\n    stringToReplace: a\n    replaceWith: b\nvalues:\n  A: 1\n  B: { env: B_ENV, optional: true }\n  C: { default: c, stages: { cn-prod: { env: C_PROD } } }\n', 'o.yml');
    expect(overlay.exclude[0]).to.include({ id: 'exclude[0]', line: 2, type: 'Bot' });
    expect(overlay.patches[0]).to.deep.include({ id: 'patches[0]', line: 4, path: 'endpoint', operation: { op: 'set', value: 'x' } });
    expect(overlay.replace[0]).to.include({ id: 'replace[0]', line: 8 });
    expect(overlay.values).to.deep.equal([
      { name: 'A', line: 12, default: { value: '1' }, stages: {} },
      { name: 'B', line: 13, default: { env: 'B_ENV', optional: true }, stages: {} },
      { name: 'C', line: 14, default: { value: 'c' }, stages: { 'cn-prod': { env: 'C_PROD', optional: undefined } } },
    ]);
  });
  it('accepts an empty file', () => {
    expect(parseOverlay('', 'o.yml').patches).to.deep.equal([]);
  });
  it('names the line of a YAML syntax error', () => {
    expect(refused('patches:\n  - component: A:B\n    set: "unterminated\n')).to.match(/overlay\.yml:\d+: /);
  });
  it('names the line of an unknown key', () => {
    expect(refused('patches:\n  - component: A:B\n    path: x\n    sett: y\n')).to.contain('overlay.yml:4: patches.0: unknown key "sett"');
  });
  it('refuses a patch with two operations', () => {
    expect(refused('patches:\n  - component: A:B\n    set: x\n    remove: true\n')).to.contain('overlay.yml:2: patches.0');
  });
  it('refuses a replace without a target file', () => {
    expect(refused('replace:\n  - stringToReplace: a\n    replaceWith: b\n')).to.contain('overlay.yml:2: replace.0');
  });
  it('refuses an invalid regular expression, with its line', () => {
    expect(refused('replace:\n  - glob: "*"\n    regexToReplace: "a("\n    replaceWith: b\n')).to.contain('overlay.yml:3: replace[0].regexToReplace');
  });
  it('refuses an exclude with nothing to match', () => {
    expect(refused('exclude:\n  - reason: why\n')).to.contain('overlay.yml:2: exclude.0');
  });
});
