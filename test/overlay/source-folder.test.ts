import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runCheck } from '../../src/checks/run-check.js';
import { runDiff } from '../../src/compare/run-diff.js';
import { runOverlayApply } from '../../src/overlay/run.js';
import { writeFiles } from '../compare/support.js';
import { TestRepo } from '../git/repo-helper.js';

/* `overlay apply --source dir:<a folder of the project>`: a package directory, or a folder inside one. */

const CLASS_META = '<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">\n    <apiVersion>62.0</apiVersion>\n    <status>Active</status>\n</ApexClass>\n';

function apexClass(path: string, name: string): Record<string, string> {
  return { [`${path}/${name}.cls`]: `public class ${name} {}\n`, [`${path}/${name}.cls-meta.xml`]: CLASS_META };
}

describe('overlay apply on a folder of the project (--source dir:force-app)', function () {
  this.timeout(60_000);
  let work: string;
  let global: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'sf-federate-source-folder-'));
    global = join(work, 'global');
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  /** force-app (default) holds A, pkg2 holds B; the China overlay is `overlay`, plus `more` files. */
  function projectFiles(overlay: string, more: Record<string, string> = {}): Record<string, string> {
    return {
      'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }, { path: 'pkg2', package: 'Two' }], sourceApiVersion: '62.0' }),
      'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china }\n',
      'overlays/china/overlay.yml': overlay,
      ...apexClass('force-app/main/default/classes', 'A'),
      ...apexClass('pkg2/main/default/classes', 'B'),
      ...more,
    };
  }

  function project(overlay: string, more: Record<string, string> = {}): void {
    writeFiles(global, projectFiles(overlay, more));
  }

  it('builds the folder at its project-relative path, so `sf project deploy start -d build/china/force-app` finds it', async () => {
    project('replace:\n  - filename: force-app/main/default/classes/A.cls\n    stringToReplace: class A\n    replaceWith: class A /* cn */\n');
    const built = join(work, 'built');
    const result = await runOverlayApply({ cwd: global, region: 'china', source: 'dir:force-app', outputDir: built, strict: true });
    expect(result.report.rules.map((rule) => rule.status)).to.deep.equal(['applied']);
    expect(readFileSync(join(built, 'force-app/main/default/classes/A.cls'), 'utf8')).to.equal('public class A /* cn */ {}\n');
    expect(existsSync(join(built, 'main'))).to.equal(false);
    const written = JSON.parse(readFileSync(join(built, 'sfdx-project.json'), 'utf8')) as { packageDirectories: unknown[] };
    expect(written.packageDirectories).to.deep.equal([{ path: 'force-app', default: true }]);

    // A folder inside a package directory: built where it is, in that package directory.
    const classes = join(work, 'classes');
    await runOverlayApply({ cwd: global, region: 'china', source: 'dir:force-app/main/default/classes', outputDir: classes, strict: true });
    expect(existsSync(join(classes, 'force-app/main/default/classes/A.cls'))).to.equal(true);
    expect((JSON.parse(readFileSync(join(classes, 'sfdx-project.json'), 'utf8')) as { packageDirectories: unknown[] }).packageDirectories).to.deep.equal([
      { path: 'force-app', default: true },
    ]);
  });

  it("matches path rules against the folder's own project paths, not another package directory's", async () => {
    // dir:pkg2 read alone has paths main/default/…: they must not pass for force-app/main/default/….
    project('exclude:\n  - path: force-app/main/default/classes/**\n');
    const built = join(work, 'built');
    const result = await runOverlayApply({ cwd: global, region: 'china', source: 'dir:pkg2', outputDir: built });
    expect(result.report.rules.map((rule) => rule.status)).to.deep.equal(['stale']);
    expect(existsSync(join(built, 'pkg2/main/default/classes/B.cls'))).to.equal(true);
    const written = JSON.parse(readFileSync(join(built, 'sfdx-project.json'), 'utf8')) as { packageDirectories: unknown[] };
    expect(written.packageDirectories).to.deep.equal([{ path: 'pkg2', package: 'Two', default: true }]);
  });

  it('adds only the files/ inside the folder: those of other package directories are skipped, with no warning', async () => {
    project('exclude: []\n', {
      ...apexClass('overlays/china/files/force-app/main/default/classes', 'CnA'),
      ...apexClass('overlays/china/files/pkg2/main/default/classes', 'CnB'),
    });
    const built = join(work, 'built');
    const result = await runOverlayApply({ cwd: global, region: 'china', source: 'dir:pkg2', outputDir: built, strict: true });
    expect(result.report.rules.map((rule) => [rule.rule, rule.status])).to.deep.equal([
      ['files/force-app/main/default/classes/CnA.cls', 'skipped'],
      ['files/force-app/main/default/classes/CnA.cls-meta.xml', 'skipped'],
      ['files/pkg2/main/default/classes/CnB.cls', 'applied'],
      ['files/pkg2/main/default/classes/CnB.cls-meta.xml', 'applied'],
    ]);
    expect(result.report.rules[0].message).to.contain('outside the source folder pkg2');
    expect(result.warnings).to.deep.equal([]);
    expect(result.components).to.equal(2);
    expect(existsSync(join(built, 'pkg2/main/default/classes/CnB.cls'))).to.equal(true);
    expect(existsSync(join(built, 'force-app'))).to.equal(false);
    expect(existsSync(join(built, 'main'))).to.equal(false);
    const written = JSON.parse(readFileSync(join(built, 'sfdx-project.json'), 'utf8')) as { packageDirectories: Array<{ path: string }> };
    expect(written.packageDirectories.map((entry) => entry.path)).to.deep.equal(['pkg2']);
  });

  it('builds git:REF:PATH (PATH from the top of the repository, the project in a folder of it) as dir: builds the folder', async () => {
    const repo = new TestRepo();
    try {
      const files = projectFiles('exclude:\n  - path: force-app/main/default/classes/**\n', {
        ...apexClass('overlays/china/files/force-app/main/default/classes', 'CnA'),
        ...apexClass('overlays/china/files/pkg2/main/default/classes', 'CnB'),
        'overlays/china/files/pkg2/main/default/classes/CnB.cls': "public class CnB { String help = 'https://login.salesforce.com'; }\n",
        'pkg2/main/default/classes/B.cls': "public class B { String help = 'https://login.salesforce.com'; }\n",
      });
      repo.commit(Object.fromEntries(Object.entries(files).map(([path, text]) => [`app/${path}`, text])));
      // The build is deployed with the project's sfdx-project.json at the ref (and its version), not the working tree's.
      repo.write({ 'app/sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }, { path: 'pkg2', package: 'Renamed' }], sourceApiVersion: '61.0' }) });
      const built = join(work, 'built');
      const result = await runOverlayApply({ cwd: join(repo.dir, 'app'), region: 'china', source: 'git:HEAD:app/pkg2', outputDir: built });
      expect(result.report.rules.map((rule) => [rule.rule, rule.status])).to.deep.equal([
        ['exclude[0]', 'stale'],
        ['files/force-app/main/default/classes/CnA.cls', 'skipped'],
        ['files/force-app/main/default/classes/CnA.cls-meta.xml', 'skipped'],
        ['files/pkg2/main/default/classes/CnB.cls', 'applied'],
        ['files/pkg2/main/default/classes/CnB.cls-meta.xml', 'applied'],
      ]);
      expect(existsSync(join(built, 'pkg2/main/default/classes/B.cls'))).to.equal(true);
      expect(existsSync(join(built, 'pkg2/main/default/classes/CnB.cls'))).to.equal(true);
      expect(existsSync(join(built, 'main'))).to.equal(false);
      expect(existsSync(join(built, 'force-app'))).to.equal(false);
      expect(JSON.parse(readFileSync(join(built, 'sfdx-project.json'), 'utf8'))).to.deep.equal({
        packageDirectories: [{ path: 'pkg2', package: 'Two', default: true }],
        sourceApiVersion: '62.0',
      });

      // check reads it the same way: force-app's files/ are not checked with pkg2, pkg2's files are named at their paths.
      const checked = await runCheck({ cwd: join(repo.dir, 'app'), region: 'china', source: 'git:HEAD:app/pkg2', env: {} });
      expect(checked.summary.components).to.equal(2);
      expect(checked.findings.filter((finding) => finding.rule === 'CN-HOST-01').map((finding) => finding.path)).to.deep.equal([
        'overlays/china/files/pkg2/main/default/classes/CnB.cls',
        'pkg2/main/default/classes/B.cls',
      ]);
    } finally {
      repo.remove();
    }
  });

  it(".forceignore: git:REF:force-app leaves out what the project's ignores, as dir:force-app does", async () => {
    const repo = new TestRepo();
    try {
      repo.commit({ ...projectFiles('exclude: []\n', apexClass('force-app/main/default/classes', 'Local')), '.forceignore': '**/Local.cls*\n' });
      for (const source of ['dir:force-app', 'git:HEAD:force-app']) {
        const built = join(work, source.replace(/\W/g, '-'));
        // eslint-disable-next-line no-await-in-loop -- one source after the other
        await runOverlayApply({ cwd: repo.dir, region: 'china', source, outputDir: built });
        expect([source, existsSync(join(built, 'force-app/main/default/classes/A.cls'))]).to.deep.equal([source, true]);
        expect([source, existsSync(join(built, 'force-app/main/default/classes/Local.cls'))]).to.deep.equal([source, false]);
      }
    } finally {
      repo.remove();
    }
  });

  it("diff --region from the folder expects only the folder's files/ of the region, at their project paths", async () => {
    project('exclude: []\n', {
      ...apexClass('overlays/china/files/force-app/main/default/classes', 'CnA'),
      ...apexClass('overlays/china/files/pkg2/main/default/classes', 'CnB'),
    });
    // The region's pkg2 lacks CnB: not promoted yet. CnA is force-app's: the region's pkg2 is not expected to hold it.
    const result = await runDiff({ cwd: global, region: 'china', from: 'dir:pkg2', to: 'dir:pkg2', env: {} });
    expect(result.changes.map((change) => [change.key, change.classification, change.fromPaths])).to.deep.equal([
      ['ApexClass:CnB', 'not-promoted', ['pkg2/main/default/classes/CnB.cls-meta.xml', 'pkg2/main/default/classes/CnB.cls']],
    ]);
  });

  it('diff --region owns: a bare folder outside the project as --to takes the place of the --from folder, else owns no path', async () => {
    project('exclude: []\n');
    writeFiles(global, { 'federate.yml': 'regions:\n  global: {}\n  china: { base: global, overlay: overlays/china, owns: [force-app/main/default/classes/**] }\n' });
    writeFiles(join(work, 'cn2'), { ...apexClass('main/default/classes', 'B'), ...apexClass('main/default/classes', 'C') });
    const cn2 = `dir:${join(work, 'cn2')}`;
    // cn2 is the region's pkg2: C is pkg2's, which the region does not own (force-app/main/default/classes/** is not pkg2).
    const pkg2 = await runDiff({ cwd: global, region: 'china', from: 'dir:pkg2', to: cn2, env: {} });
    expect(pkg2.changes.map((change) => [change.key, change.classification, change.toPaths])).to.deep.equal([
      ['ApexClass:C', 'drift', ['pkg2/main/default/classes/C.cls-meta.xml', 'pkg2/main/default/classes/C.cls']],
    ]);
    // The same folder as the region's force-app: C is in what the region owns.
    const forceApp = await runDiff({ cwd: global, region: 'china', from: 'dir:force-app', to: cn2, env: {} });
    expect(forceApp.changes.filter((change) => change.key === 'ApexClass:C').map((change) => [change.classification, change.toPaths])).to.deep.equal([
      ['region-owned', ['force-app/main/default/classes/C.cls-meta.xml', 'force-app/main/default/classes/C.cls']],
    ]);
    // Against the whole project, nothing says which package directory cn2 is: its paths are not the project's.
    const whole = await runDiff({ cwd: global, region: 'china', from: 'dir:.', to: cn2, env: {} });
    expect(whole.changes.filter((change) => change.key === 'ApexClass:C').map((change) => change.classification)).to.deep.equal(['drift']);
  });
});
