import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT, xml } from './support.js';

/** A small project on disk: a China-bound region with an overlay, an offshore remote site, a hard-coded global host. */
export function makeProject(federate: string, overlay = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'sf-federate-check-'));
  const files: Record<string, string> = {
    'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0' }, null, 2),
    'federate.yml': federate,
    'overlays/china/overlay.yml': overlay,
    [`${DEFAULT}/remoteSiteSettings/Stripe_API.remoteSite-meta.xml`]: xml('RemoteSiteSetting', '    <disableProtocolSecurity>false</disableProtocolSecurity>\n    <isActive>true</isActive>\n    <url>https://api.stripe.com</url>'),
    [`${DEFAULT}/classes/Links.cls`]: "public class Links {\n    public static final String HELP = 'https://acme.my.site.com/help';\n}\n",
    [`${DEFAULT}/classes/Links.cls-meta.xml`]: xml('ApexClass', '    <apiVersion>62.0</apiVersion>\n    <status>Active</status>'),
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export function writeFederate(dir: string, text: string): void {
  writeFileSync(join(dir, 'federate.yml'), text);
}

export function copyExample(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sf-federate-check-example-'));
  cpSync(join(process.cwd(), 'examples', 'global'), dir, { recursive: true });
  return dir;
}

export const FEDERATE = (checks: string): string => `apiVersion: "62.0"
regions:
  global: {}
  china:
    base: global
    overlay: overlays/china
    checks:
      catalog: china
${checks}
stages:
  prod: { branch: main, org: g-prod, region: global }
  cn-uat: { branch: china/uat, org: c-uat, region: china, from: prod, instanceUrl: "https://acme--uat.sandbox.my.sfcrmproducts.cn" }
  cn-prod: { branch: china/main, org: c-prod, region: china, from: cn-uat, instanceUrl: "https://acme.my.sfcrmproducts.cn" }
`;
