import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runCheck } from '../../src/checks/run-check.js';
import { runDiff } from '../../src/compare/run-diff.js';
import { runOverlayApply } from '../../src/overlay/run.js';
import { writeFiles } from '../compare/support.js';

/*
 * CustomLabels files in two package directories are one component (SDR merges them on deploy, and so does a
 * snapshot). Rules that name one of the files by its path must reach that file's labels, and the build keeps each
 * label in the file it came from.
 */

const LABELS = 'main/default/labels/CustomLabels.labels-meta.xml';

function labelsFile(labels: Record<string, string>): string {
  const entries = Object.entries(labels).map(
    ([name, value]) =>
      `    <labels>\n        <fullName>${name}</fullName>\n        <language>en_US</language>\n        <protected>false</protected>\n        <shortDescription>${name}</shortDescription>\n        <value>${value}</value>\n    </labels>\n`
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<CustomLabels xmlns="http://soap.sforce.com/2006/04/metadata">\n${entries.join('')}</CustomLabels>\n`;
}

/** The labels of a built file, name → value, in file order. */
function labelsIn(path: string): Record<string, string> {
  const text = readFileSync(path, 'utf8');
  return Object.fromEntries([...text.matchAll(/<fullName>(.*?)<\/fullName>[\s\S]*?<value>(.*?)<\/value>/g)].map((match) => [match[1], match[2]]));
}

describe('overlay apply on CustomLabels kept in two package directories', function () {
  this.timeout(60_000);
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'sf-federate-merged-labels-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  /** force-app (default) holds A, pkg2 holds C; the China overlay is `overlay`, plus `more` files. */
  function project(overlay: string, more: Record<string, string> = {}): string {
    const dir = join(work, 'global');
    writeFiles(dir, {
      'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }, { path: 'pkg2' }, { path: 'pkg3' }], sourceApiVersion: '62.0' }),
      'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china }\n',
      'overlays/china/overlay.yml': overlay,
      [`force-app/${LABELS}`]: labelsFile({ A: 'hello' }),
      [`pkg2/${LABELS}`]: labelsFile({ C: 'https://x.my.site.com/c' }),
      'pkg3/main/default/classes/Pkg3.cls': 'public class Pkg3 {}\n',
      'pkg3/main/default/classes/Pkg3.cls-meta.xml': '<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">\n    <apiVersion>62.0</apiVersion>\n    <status>Active</status>\n</ApexClass>\n',
      ...more,
    });
    return dir;
  }

  it('a replace naming the second file applies to its labels; each label stays in its own file; check is then clean', async () => {
    const global = project('replace:\n  - filename: pkg2/main/default/labels/CustomLabels.labels-meta.xml\n    stringToReplace: x.my.site.com\n    replaceWith: x.sites.sfcrmapps.cn\n');
    const built = join(work, 'built');
    const result = await runOverlayApply({ cwd: global, region: 'china', outputDir: built, strict: true });
    expect(result.report.rules.map((rule) => [rule.rule, rule.status, rule.touched])).to.deep.equal([['replace[0]', 'applied', [`pkg2/${LABELS}`]]]);
    expect(labelsIn(join(built, 'force-app', LABELS))).to.deep.equal({ A: 'hello' });
    expect(labelsIn(join(built, 'pkg2', LABELS))).to.deep.equal({ C: 'https://x.sites.sfcrmapps.cn/c' });
    // The untouched file is written as it is in the repository.
    expect(readFileSync(join(built, 'force-app', LABELS), 'utf8')).to.equal(readFileSync(join(global, 'force-app', LABELS), 'utf8'));

    const check = await runCheck({ cwd: global, region: 'china' });
    expect(check.findings.map((finding) => `${finding.rule} ${finding.path ?? ''}`)).to.deep.equal([]);
    const diff = await runDiff({ from: 'dir:.', to: `dir:${built}`, cwd: global, region: 'china' });
    expect(diff.changes.map((change) => [change.key, change.classification])).to.deep.equal([['CustomLabel:C', 'overlay']]);
  });

  it('patches reach a label of either file and leave it there; an added label goes into the first file', async () => {
    const global = project(
      [
        'patches:',
        '  - component: CustomLabels:CustomLabels',
        '    path: labels[fullName=C]/value',
        '    set: https://x.sites.sfcrmapps.cn/c',
        '  - component: CustomLabels:CustomLabels',
        '    add: |',
        '      <labels><fullName>CN</fullName><language>zh_CN</language><protected>false</protected><shortDescription>CN</shortDescription><value>你好</value></labels>',
        '',
      ].join('\n')
    );
    const built = join(work, 'built');
    await runOverlayApply({ cwd: global, region: 'china', outputDir: built, strict: true });
    expect(labelsIn(join(built, 'force-app', LABELS))).to.deep.equal({ A: 'hello', CN: '你好' });
    expect(labelsIn(join(built, 'pkg2', LABELS))).to.deep.equal({ C: 'https://x.sites.sfcrmapps.cn/c' });
  });

  it('excludes by path reach the labels of the file they name, and only those', async () => {
    const inFile = project('exclude:\n  - type: CustomLabel\n    path: pkg2/**\n');
    const built = join(work, 'built');
    const result = await runOverlayApply({ cwd: inFile, region: 'china', outputDir: built, strict: true });
    expect(result.report.rules.map((rule) => [rule.status, rule.touched])).to.deep.equal([['applied', ['CustomLabel:C']]]);
    expect(labelsIn(join(built, 'force-app', LABELS))).to.deep.equal({ A: 'hello' });
    expect(labelsIn(join(built, 'pkg2', LABELS))).to.deep.equal({});

    rmSync(join(work, 'global'), { recursive: true });
    const whole = project('exclude:\n  - path: pkg2/main/default/labels/**\n');
    const again = await runOverlayApply({ cwd: whole, region: 'china', outputDir: built, strict: true });
    expect(again.report.rules.map((rule) => rule.status)).to.deep.equal(['applied']);
    expect(labelsIn(join(built, 'force-app', LABELS))).to.deep.equal({ A: 'hello' });
    expect(existsSync(join(built, 'pkg2'))).to.equal(false);
  });

  it("files/ replaces one package directory's labels file, or adds one to a package directory that had none", async () => {
    const global = project('exclude: []\n', {
      [`overlays/china/files/pkg2/${LABELS}`]: labelsFile({ C: 'https://x.sites.sfcrmapps.cn/c' }),
      [`overlays/china/files/pkg3/${LABELS}`]: labelsFile({ 'CN_Only': '只在中国' }),
    });
    const built = join(work, 'built');
    await runOverlayApply({ cwd: global, region: 'china', outputDir: built, strict: true });
    expect(labelsIn(join(built, 'force-app', LABELS))).to.deep.equal({ A: 'hello' });
    expect(labelsIn(join(built, 'pkg2', LABELS))).to.deep.equal({ C: 'https://x.sites.sfcrmapps.cn/c' });
    expect(labelsIn(join(built, 'pkg3', LABELS))).to.deep.equal({ 'CN_Only': '只在中国' });
    // Read back, the build is one CustomLabels holding the three labels, as the org would after a deploy.
    const diff = await runDiff({ from: 'dir:.', to: `dir:${built}`, cwd: global, region: 'china' });
    expect(diff.changes.filter((change) => change.classification !== 'overlay').map((change) => change.key)).to.deep.equal([]);
    expect(diff.changes.map((change) => change.key)).to.include.members(['CustomLabel:C', 'CustomLabel:CN_Only']);
  });
});
