import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { detectLayout, readDirSource } from '../../../src/metadata/sources/dir.js';
import type { Snapshot } from '../../../src/metadata/types.js';
import { TempDirs } from '../../compare/support.js';

const CLASS_META = '<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata"><apiVersion>62.0</apiVersion><status>Active</status></ApexClass>\n';

async function read(dir: string): Promise<Snapshot> {
  return readDirSource({ kind: 'dir', value: dir, guessed: false }, { apiVersion: '62.0', projectDir: dir });
}

async function failure(promise: Promise<unknown>): Promise<Error & { exitCode?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

function sourceFolder(dir: string): void {
  mkdirSync(join(dir, 'classes'), { recursive: true });
  writeFileSync(join(dir, 'classes/A.cls'), 'public class A {}\n');
  writeFileSync(join(dir, 'classes/A.cls-meta.xml'), CLASS_META);
}

describe('dir source', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('detects a project, a metadata-format folder and a source folder', () => {
    const project = temp.make();
    writeFileSync(join(project, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app' }] }));
    expect(detectLayout(project)).to.deep.include({ kind: 'project', packageDirs: ['force-app'] });
    const mdapi = temp.make();
    writeFileSync(join(mdapi, 'package.xml'), '<Package/>');
    expect(detectLayout(mdapi).kind).to.equal('metadata');
    expect(detectLayout(temp.make()).kind).to.equal('source');
  });

  it('reads a source folder, reporting a file it cannot classify while the run goes on', async () => {
    const dir = temp.make();
    sourceFolder(dir);
    writeFileSync(join(dir, 'classes/notes.txt'), 'not metadata');
    const snapshot = await read(dir);
    expect([...snapshot.components.keys()]).to.deep.equal(['ApexClass:A']);
    expect(snapshot.unclassified.map((u) => u.path)).to.deep.equal(['classes/notes.txt']);
  });

  it('refuses a missing path and an empty folder', async () => {
    const missing = await failure(read(join(temp.make(), 'nope')));
    expect(missing.name).to.equal('MissingPathError');
    expect(missing.exitCode).to.equal(2);
    const empty = await failure(read(temp.make()));
    expect(empty.name).to.equal('NoMetadataError');
  });

  it('refuses a project whose package directory is missing, naming it, and reads it narrowed to those that exist', async () => {
    const project = temp.make();
    writeFileSync(join(project, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }, { path: 'unpackaged' }] }));
    sourceFolder(join(project, 'force-app'));
    const missing = await failure(read(project));
    expect(missing.name).to.equal('MissingPackageDirectoryError');
    expect(missing.exitCode).to.equal(2);
    expect(missing.message).to.contain('"unpackaged"').and.to.contain(join(project, 'sfdx-project.json'));
    const narrowed = await readDirSource({ kind: 'dir', value: project, guessed: false }, { apiVersion: '62.0', projectDir: project, sourceDirs: ['force-app'] });
    expect([...narrowed.components.keys()]).to.deep.equal(['ApexClass:A']);
  });

  it('refuses a link that leads outside the folder', async () => {
    const outside = temp.make();
    writeFileSync(join(outside, 'B.cls'), 'public class B {}\n');
    const dir = temp.make();
    sourceFolder(dir);
    symlinkSync(join(outside, 'B.cls'), join(dir, 'classes/B.cls'));
    const error = await failure(read(dir));
    expect(error.name).to.equal('LinkEscapesError');
    expect(error.message).to.contain(join(dir, 'classes/B.cls'));
  });

  it('reports a dangling link as an unreadable file', async () => {
    const dir = temp.make();
    sourceFolder(dir);
    symlinkSync(join(dir, 'classes/Gone.cls'), join(dir, 'classes/B.cls'));
    writeFileSync(join(dir, 'classes/B.cls-meta.xml'), CLASS_META);
    const error = await failure(read(dir));
    expect(error.name, error.stack).to.equal('UnreadableFileError');
    expect(error.message).to.match(/^Cannot read \S*classes\/B\.cls: /);
  });
});
