import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ComponentSet, DestructiveChangesType } from '@salesforce/source-deploy-retrieve';
import { compareSnapshots } from '../../src/compare/compare.js';
import { buildManifests, writeManifests, type Manifests } from '../../src/compare/manifests.js';
import { toDiffResult, type DiffResult } from '../../src/compare/result.js';
import { registryFor } from '../../src/metadata/registry.js';
import { readDirSource } from '../../src/metadata/sources/dir.js';
import { renderHuman } from '../../src/report/human.js';
import { renderMarkdown } from '../../src/report/markdown.js';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');
const schema = JSON.parse(readFileSync(join(EXAMPLES, '..', 'schemas', 'diff-result.schema.json'), 'utf8')) as object;

/** The embedded example, global → China, through the real pipeline: dir sources, compare, manifests, result, renderers. */
describe('federate diff of the embedded example (global → China)', () => {
  let out: string;
  let manifests: Manifests;
  let files: string[];
  let result: DiffResult;

  before(async () => {
    const read = (name: string): ReturnType<typeof readDirSource> => readDirSource({ kind: 'dir', value: join(EXAMPLES, name), guessed: false }, { apiVersion: '62.0', projectDir: join(EXAMPLES, name) });
    const [from, to] = await Promise.all([read('global'), read('china')]);
    const changeset = await compareSnapshots(from, to);
    manifests = buildManifests(changeset, { apiVersion: '62.0', registry: registryFor(join(EXAMPLES, 'global')) });
    out = join(mkdtempSync(join(tmpdir(), 'sf-federate-example-')), 'delta');
    files = await writeManifests(out, manifests);
    result = toDiffResult(changeset, { notDeletable: manifests.notDeletable, manifests: { outputDir: out, files } });
  });
  after(() => rmSync(dirname(out), { recursive: true, force: true }));

  it('gives a --json result that the published schema accepts', () => {
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    const json: unknown = JSON.parse(JSON.stringify(result));
    expect(validate(json), JSON.stringify(validate.errors)).to.equal(true);
    expect(result.summary).to.deep.include({ added: 8, removed: 6, changed: 9, renamed: 0, total: 23 });
  });

  it('writes manifests SDR reads back: the China additions to deploy, the global-only components to delete', async () => {
    expect(files).to.deep.equal(['destructiveChanges/destructiveChangesPost.xml', 'destructiveChanges/package.xml', 'destructiveChangesPost.xml', 'package.xml']);
    const set = await ComponentSet.fromManifest({
      manifestPath: join(out, 'package.xml'),
      destructivePost: join(out, 'destructiveChangesPost.xml'),
      forceAddWildcards: false,
      registry: registryFor(join(EXAMPLES, 'global')),
    });
    const members = async (type?: DestructiveChangesType): Promise<Record<string, string[]>> =>
      Object.fromEntries((await set.getObject(type)).Package.types.map((entry) => [entry.name, entry.members]));
    const deploy = await members();
    expect(deploy.ApexClass).to.deep.equal(['WeChatService', 'WeChatServiceTest']);
    expect(deploy.CustomLabel).to.deep.equal(['Support_Site_URL', 'WeChat_Bind_Prompt']);
    expect(deploy.CustomField).to.deep.equal(['Account.Marketing_Consent__c', 'Account.WeChat_OpenId__c', 'Order_Request__c.Channel__c']);
    expect(deploy.PermissionSet).to.deep.equal(['Order_Desk']);
    expect(deploy.Profile).to.deep.equal(['Sales User']);
    expect(await members(DestructiveChangesType.POST)).to.deep.equal({
      ApexClass: ['OrderSummaryService', 'StripeRefundClient'],
      GenAiPromptTemplate: ['Order_Summary'],
      RemoteSiteSetting: ['Segment_Analytics', 'Stripe_API'],
    });
  });

  it('reports the removed EinsteinGpt settings as not deletable instead of deleting them', () => {
    expect(result.notDeletable.map((entry) => `${entry.type}:${entry.fullName}`)).to.deep.equal(['Settings:EinsteinGpt']);
    expect(manifests.destructiveChangesPost).not.to.include('EinsteinGpt');
  });

  it('renders the same counts and element values in the terminal and in markdown', () => {
    const human = renderHuman(result, { color: false });
    expect(human).to.match(/^ {2}Total\s+8\s+6\s+9\s+0$/m);
    expect(human).to.include('~ value: https://brightleaf.my.site.com/support → https://brightleaf.sites.sfcrmapps.cn/support');
    const markdown = renderMarkdown(result);
    expect(markdown).to.include('| **All types** | **8** | **6** | **9** | **0** | **23** |');
    expect(markdown).to.include('| 🟡 `endpoint` | `https://payments.example.com` | `https://payments.example.cn` |');
  });
});
