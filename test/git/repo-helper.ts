import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ComponentSet, MetadataConverter, type RegistryAccess } from '@salesforce/source-deploy-retrieve';

/** Temp folders a test file makes, all removed in its `after`. */
export class TempDirs {
  private readonly dirs: string[] = [];

  /** A new empty folder. */
  public make(prefix: string): string {
    return this.keep(mkdtempSync(join(tmpdir(), prefix)));
  }

  /** A folder made elsewhere (another TestRepo's), removed with the rest. */
  public keep(dir: string): string {
    this.dirs.push(dir);
    return dir;
  }

  public removeAll(): void {
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/** A real git repository in a temp folder, for tests. */
export class TestRepo {
  public readonly dir: string;

  public constructor(prefix = 'sf-federate-git-') {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.email', 'test@example.com');
    this.git('config', 'user.name', 'Test');
    this.git('config', 'commit.gpgsign', 'false');
    this.git('config', 'core.quotepath', 'true');
  }

  public git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' } });
  }

  /** Writes (string) or deletes (null) files, then commits them all; returns the commit id. */
  public commit(files: Record<string, string | null>, message = 'change'): string {
    this.write(files);
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  public write(files: Record<string, string | null>): void {
    for (const [path, text] of Object.entries(files)) {
      const full = join(this.dir, path);
      if (text === null) {
        rmSync(full, { force: true });
      } else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, text);
      }
    }
  }

  public remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const PROJECT_JSON = JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0' }, null, 2);

const D = 'force-app/main/default';

export const xml = (root: string, body: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://soap.sforce.com/2006/04/metadata">\n${body}\n</${root}>\n`;

export function apexClass(name: string, body = `public class ${name} {}`): Record<string, string> {
  return {
    [`${D}/classes/${name}.cls`]: body,
    [`${D}/classes/${name}.cls-meta.xml`]: xml('ApexClass', '    <apiVersion>62.0</apiVersion>\n    <status>Active</status>'),
  };
}

export function customObject(name: string, label = name): Record<string, string> {
  return {
    [`${D}/objects/${name}/${name}.object-meta.xml`]: xml(
      'CustomObject',
      `    <deploymentStatus>Deployed</deploymentStatus>\n    <label>${label}</label>\n    <nameField>\n        <label>Name</label>\n        <type>Text</type>\n    </nameField>\n    <pluralLabel>${label}s</pluralLabel>\n    <sharingModel>ReadWrite</sharingModel>`
    ),
  };
}

export function field(object: string, name: string, label = name, type = 'Text'): Record<string, string> {
  const extra = type === 'Text' ? '\n    <length>80</length>' : type === 'MasterDetail' ? '\n    <referenceTo>Account</referenceTo>\n    <relationshipName>Parents</relationshipName>' : '';
  return {
    [`${D}/objects/${object}/fields/${name}.field-meta.xml`]: xml('CustomField', `    <fullName>${name}</fullName>\n    <label>${label}</label>\n    <type>${type}</type>${extra}`),
  };
}

export function labels(entries: Record<string, string>): Record<string, string> {
  const body = Object.entries(entries)
    .map(
      ([name, value]) =>
        `    <labels>\n        <fullName>${name}</fullName>\n        <language>en_US</language>\n        <protected>false</protected>\n        <shortDescription>${name}</shortDescription>\n        <value>${value}</value>\n    </labels>`
    )
    .join('\n');
  return { [`${D}/labels/CustomLabels.labels-meta.xml`]: xml('CustomLabels', body) };
}

export function profile(name: string, fields: Record<string, boolean>): Record<string, string> {
  const body = Object.entries(fields)
    .map(([f, editable]) => `    <fieldPermissions>\n        <editable>${editable}</editable>\n        <field>${f}</field>\n        <readable>true</readable>\n    </fieldPermissions>`)
    .join('\n');
  return { [`${D}/profiles/${name}.profile-meta.xml`]: xml('Profile', `    <custom>true</custom>\n${body}\n    <userLicense>Salesforce</userLicense>`) };
}

export function lwc(name: string, js = 'export default class {}'): Record<string, string> {
  return {
    [`${D}/lwc/${name}/${name}.js`]: js,
    [`${D}/lwc/${name}/${name}.html`]: '<template></template>\n',
    [`${D}/lwc/${name}/${name}.js-meta.xml`]: xml('LightningComponentBundle', '    <apiVersion>62.0</apiVersion>\n    <isExposed>false</isExposed>'),
  };
}

export const DEFAULT_DIR = D;

/**
 * What `sf project deploy start -d DIR` does before sending anything: resolve the folder, convert it to metadata format
 * (into `metadataDir`). Returns the members of its manifest, `Type:name`, sorted.
 */
export async function convertLikeDeploy(dir: string, registry: RegistryAccess, metadataDir: string): Promise<string[]> {
  const set = ComponentSet.fromSource({ fsPaths: [dir], registry });
  await new MetadataConverter(registry).convert(set, 'metadata', { type: 'directory', outputDirectory: metadataDir, genUniqueDir: false });
  const manifest = await set.getObject();
  return manifest.Package.types.flatMap((type) => type.members.map((member) => `${type.name}:${member}`)).sort();
}
