import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { startEmulator, type Emulator } from './server.js';

const CLASS_META = '<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">\n    <apiVersion>62.0</apiVersion>\n    <status>Active</status>\n</ApexClass>\n';
const DECOMPOSED_PS = join(import.meta.dirname, '..', 'fixtures', 'metadata', 'decomposed-ps');

/** A folder shaped like examples/global: two package directories, a .forceignore, and an overlay's files outside both. */
function projectFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sf-federate-emu-project-'));
  const files: Record<string, string> = {
    'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }, { path: 'more-app' }], sourceApiVersion: '62.0' }),
    '.forceignore': '**/Ignored.cls*\n',
    'force-app/main/default/classes/Inside.cls': 'public class Inside {}',
    'force-app/main/default/classes/Inside.cls-meta.xml': CLASS_META,
    'force-app/main/default/classes/Ignored.cls': 'public class Ignored {}',
    'force-app/main/default/classes/Ignored.cls-meta.xml': CLASS_META,
    'more-app/classes/Second.cls': 'public class Second {}',
    'more-app/classes/Second.cls-meta.xml': CLASS_META,
    'overlays/china/files/force-app/main/default/classes/Outside.cls': 'public class Outside {}',
    'overlays/china/files/force-app/main/default/classes/Outside.cls-meta.xml': CLASS_META,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

// What an org started from a source folder holds (npm run emulator -- <folder>, startEmulator({ sourceDir })).
describe('org emulator started from a source folder', () => {
  let folder: string;
  let org: Emulator | undefined;
  const classes = (): string[] => ['Inside', 'Ignored', 'Second', 'Outside'].filter((name) => existsSync(join(org!.metadataDir, 'classes', `${name}.cls`)));

  beforeEach(() => {
    folder = projectFolder();
  });
  afterEach(async () => {
    await org?.stop();
    org = undefined;
    rmSync(folder, { recursive: true, force: true });
  });

  it("holds a project's package directories only, without what its .forceignore ignores", async () => {
    org = await startEmulator({ sourceDir: folder });
    expect(classes()).to.deep.equal(['Inside', 'Second']);
  });

  it('holds every folder of a folder that is not a project (SDR still applies a .forceignore it finds there)', async () => {
    rmSync(join(folder, 'sfdx-project.json'));
    org = await startEmulator({ sourceDir: folder });
    expect(classes()).to.deep.equal(['Inside', 'Second', 'Outside']);
  });

  it('reads a project with its registry settings: a decomposed permission set becomes one PermissionSet', async () => {
    org = await startEmulator({ sourceDir: DECOMPOSED_PS });
    const stored = readFileSync(join(org.metadataDir, 'permissionsets', 'Ops.permissionset'), 'utf8');
    expect(stored).to.include('<field>Account.Region__c</field>');
    expect(stored).to.include('<name>ApiEnabled</name>');
    expect(stored).to.include('<label>Ops</label>');
  });

  it('refuses a project whose sfdx-project.json lists a package directory the folder lacks', async () => {
    rmSync(join(folder, 'more-app'), { recursive: true });
    let error: Error | undefined;
    try {
      org = await startEmulator({ sourceDir: folder });
    } catch (caught) {
      error = caught as Error;
    }
    expect(error?.message).to.include('more-app');
  });
});
