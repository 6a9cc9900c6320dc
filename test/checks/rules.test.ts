import { expect } from 'chai';
import { parse } from 'yaml';
import { loadRules } from '../../src/checks/catalog.js';
import type { EngineResult } from '../../src/checks/engine.js';
import type { Finding, OrgFacts } from '../../src/checks/types.js';
import { parseFederateConfig } from '../../src/pipeline/config.js';
import { apex, DEFAULT, runOn, xml, type RunOptions } from './support.js';

/** The overlay snippet of a finding's fix, as the patch and exclude entries the assertions look at. */
type Snippet = { patches: Array<Record<string, unknown> & { path: string }>; exclude: Array<{ component: string }> };
const snippetOf = (finding: Finding): Snippet => parse(finding.fix!.snippet!) as Snippet;

type Case = { readonly files: Record<string, string>; readonly options?: RunOptions; readonly check?: (findings: readonly Finding[], result: EngineResult) => void };

const remoteSite = (name: string, url: string, extra = ''): Record<string, string> => ({
  [`${DEFAULT}/remoteSiteSettings/${name}.remoteSite-meta.xml`]: xml('RemoteSiteSetting', `    <disableProtocolSecurity>false</disableProtocolSecurity>\n    <isActive>true</isActive>\n    <url>${url}</url>${extra}`),
});
const namedCredential = (name: string, body: string): Record<string, string> => ({
  [`${DEFAULT}/namedCredentials/${name}.namedCredential-meta.xml`]: xml('NamedCredential', body),
});
const federateYml = (stages: string, owns = ''): ReturnType<typeof parseFederateConfig> =>
  parseFederateConfig(
    `regions:\n  global: {}\n  china:\n    base: global\n    checks: china\n${owns}stages:\n  prod: { branch: main, org: g-prod, region: global }\n${stages}`,
    '/project/federate.yml',
    '/project'
  );
const org = (types: string[], maxApiVersion = '62.0'): OrgFacts => ({ label: 'china-prod', types: new Set(types), namespaces: new Set(), maxApiVersion });

/** Every rule: a case that raises it (with what it must say) and a clean case. */
const CASES: Record<string, { finding: Case; clean: Case }> = {
  'CN-HOST-01': {
    finding: {
      files: apex('Links', "public class Links {\n    static String HOME = 'https://acme.my.salesforce.com/home';\n}"),
      check: ([finding]) => {
        expect(finding).to.include({ severity: 'error', path: `${DEFAULT}/classes/Links.cls`, line: 2, column: 35, component: 'ApexClass:Links' });
        expect(parse(finding.fix!.snippet!)).to.deep.equal({
          replace: [{ filename: `${DEFAULT}/classes/Links.cls`, stringToReplace: 'acme.my.salesforce.com', replaceWith: 'acme.my.sfcrmproducts.cn' }],
        });
      },
    },
    clean: { files: apex('Links', "public class Links {\n    static String HOME = 'callout:Home/home';\n}") },
  },
  'CN-HOST-02': {
    finding: {
      files: { [`${DEFAULT}/lwc/help/help.js`]: "const URL = 'https://acme.my.sfcrmproducts.cn/s';\n", [`${DEFAULT}/lwc/help/help.js-meta.xml`]: xml('LightningComponentBundle', '<apiVersion>62.0</apiVersion>') },
      options: { bound: 'global' },
      check: ([finding]) => expect(finding).to.include({ severity: 'error', line: 1, column: 22, component: 'LightningComponentBundle:help' }),
    },
    clean: {
      files: { [`${DEFAULT}/lwc/help/help.js`]: "const URL = 'https://acme.my.salesforce.com/s';\n", [`${DEFAULT}/lwc/help/help.js-meta.xml`]: xml('LightningComponentBundle', '<apiVersion>62.0</apiVersion>') },
      options: { bound: 'global' },
    },
  },
  'CN-CFG-01': {
    finding: {
      files: apex('A', 'public class A {}'),
      options: { config: federateYml('  cn-prod: { branch: china/main, org: c-prod, region: china, instanceUrl: "https://acme.my.salesforce.com" }\n') },
      check: ([finding]) => {
        expect(finding).to.include({ severity: 'error', path: 'federate.yml' });
        expect(finding.message).to.contain('cn-prod').and.contain('acme.my.salesforce.com');
        expect(finding.fix!.text).to.contain('https://acme.my.sfcrmproducts.cn');
      },
    },
    clean: { files: apex('A', 'public class A {}'), options: { config: federateYml('  cn-prod: { branch: china/main, org: c-prod, region: china, instanceUrl: "https://acme.my.sfcrmproducts.cn" }\n') } },
  },
  'CN-CFG-02': {
    finding: {
      files: apex('A', 'public class A {}'),
      options: { config: federateYml('  cn-prod: { branch: china/main, org: c-prod, region: china, instanceUrl: "https://acme.lightning.sfcrmapps.cn" }\n') },
      check: ([finding]) => {
        expect(finding.message).to.contain('acme.lightning.sfcrmapps.cn');
        expect(finding.fix!.text).to.contain('https://acme.my.sfcrmproducts.cn');
      },
    },
    clean: { files: apex('A', 'public class A {}'), options: { config: federateYml('  cn-prod: { branch: china/main, org: c-prod, region: china, instanceUrl: "https://acme.my.sfcrmproducts.cn" }\n') } },
  },
  'CN-AUTH-01': {
    finding: {
      files: {
        [`${DEFAULT}/connectedApps/Portal.connectedApp-meta.xml`]: xml(
          'ConnectedApp',
          '    <label>Portal</label>\n    <oauthConfig>\n        <callbackUrl>https://login.salesforce.com/services/oauth2/success</callbackUrl>\n        <consumerKey>3MVG9KEY</consumerKey>\n    </oauthConfig>'
        ),
      },
      check: (findings) => {
        expect(findings.map((finding) => finding.line)).to.deep.equal([5, 6]);
        expect(parse(findings[0].fix!.snippet!)).to.deep.equal({
          patches: [{ component: 'ConnectedApp:Portal', path: 'oauthConfig/callbackUrl', set: 'https://login.sfcrmproducts.cn/services/oauth2/success' }],
        });
        expect(findings[1].message).to.contain('same consumer key');
      },
    },
    clean: {
      files: {
        [`${DEFAULT}/connectedApps/Portal.connectedApp-meta.xml`]: xml('ConnectedApp', '    <label>Portal</label>\n    <oauthConfig>\n        <callbackUrl>https://acme.my.sfcrmproducts.cn/cb</callbackUrl>\n    </oauthConfig>'),
      },
    },
  },
  'CN-AUTH-02': {
    finding: {
      files: { [`${DEFAULT}/authproviders/Fb.authprovider-meta.xml`]: xml('AuthProvider', '    <friendlyName>Fb</friendlyName>\n    <providerType>Facebook</providerType>') },
      check: ([finding]) => expect(finding).to.include({ severity: 'warn', component: 'AuthProvider:Fb', line: 4 }),
    },
    clean: {
      files: {
        [`${DEFAULT}/authproviders/Idp.authprovider-meta.xml`]: xml(
          'AuthProvider',
          '    <authorizeUrl>https://idp.example.cn/authorize</authorizeUrl>\n    <friendlyName>Idp</friendlyName>\n    <providerType>OpenIdConnect</providerType>\n    <tokenUrl>https://idp.example.cn/token</tokenUrl>'
        ),
      },
    },
  },
  'CN-AUTH-03': {
    finding: {
      files: { [`${DEFAULT}/samlssoconfigs/Sso.samlssoconfig-meta.xml`]: xml('SamlSsoConfig', '    <issuer>https://idp.example.com</issuer>\n    <name>Sso</name>\n    <salesforceLoginUrl>https://acme.my.salesforce.com?so=00D</salesforceLoginUrl>') },
      check: ([finding]) => {
        expect(finding).to.include({ severity: 'error', line: 5 });
        expect(snippetOf(finding).patches[0]).to.include({ path: 'salesforceLoginUrl', set: 'https://acme.my.sfcrmproducts.cn?so=00D' });
      },
    },
    clean: { files: { [`${DEFAULT}/samlssoconfigs/Sso.samlssoconfig-meta.xml`]: xml('SamlSsoConfig', '    <issuer>https://idp.example.cn</issuer>\n    <name>Sso</name>\n    <salesforceLoginUrl>https://acme.my.sfcrmproducts.cn</salesforceLoginUrl>') } },
  },
  'CN-CBDT-01': {
    finding: {
      files: remoteSite('Stripe', 'https://api.stripe.com'),
      check: ([finding]) => {
        expect(finding).to.include({ severity: 'warn', component: 'RemoteSiteSetting:Stripe', line: 5, column: 10 });
        expect(snippetOf(finding).patches[0]).to.include({ component: 'RemoteSiteSetting:Stripe', path: 'isActive', set: 'false' });
      },
    },
    clean: { files: { ...remoteSite('WeChat', 'https://api.weixin.qq.com'), ...remoteSite('Pay', 'https://pay.example.cn') } },
  },
  'CN-CBDT-02': {
    finding: {
      files: {
        ...namedCredential('Payments', '    <endpoint>https://payments.example.com</endpoint>\n    <label>Payments</label>'),
        ...namedCredential(
          'Crm',
          '    <label>Crm</label>\n    <namedCredentialParameters>\n        <parameterName>Url</parameterName>\n        <parameterType>Url</parameterType>\n        <parameterValue>https://crm.example.com</parameterValue>\n    </namedCredentialParameters>'
        ),
      },
      check: (findings) => {
        expect(findings.map((finding) => finding.component)).to.deep.equal(['NamedCredential:Crm', 'NamedCredential:Payments']);
        expect(snippetOf(findings[0]).patches[0].path).to.equal('namedCredentialParameters[parameterName=Url]/parameterValue');
        expect(snippetOf(findings[1]).patches[0]).to.include({ component: 'NamedCredential:Payments', path: 'endpoint' });
      },
    },
    clean: { files: namedCredential('Payments', '    <endpoint>https://payments.example.cn</endpoint>\n    <label>Payments</label>') },
  },
  'CN-CBDT-03': {
    finding: {
      files: namedCredential('Payments', '    <allowMergeFieldsInBody>true</allowMergeFieldsInBody>\n    <endpoint>https://payments.example.com</endpoint>\n    <label>Payments</label>'),
      check: ([finding]) => {
        expect(finding).to.include({ severity: 'error', line: 3 });
        expect(snippetOf(finding).patches[0]).to.include({ path: 'allowMergeFieldsInBody', set: 'false' });
      },
    },
    clean: { files: namedCredential('Payments', '    <allowMergeFieldsInBody>true</allowMergeFieldsInBody>\n    <endpoint>https://payments.example.cn</endpoint>\n    <label>Payments</label>') },
  },
  'CN-CBDT-04': {
    finding: {
      files: {
        [`${DEFAULT}/workflows/Contact.workflow-meta.xml`]: xml(
          'Workflow',
          '    <outboundMessages>\n        <fullName>Sync</fullName>\n        <apiVersion>62.0</apiVersion>\n        <endpointUrl>https://hooks.example.com/sync</endpointUrl>\n        <fields>Id</fields>\n        <fields>Email</fields>\n        <fields>MobilePhone</fields>\n        <includeSessionId>false</includeSessionId>\n        <integrationUser>integration@acme.com</integrationUser>\n        <name>Sync</name>\n        <protected>false</protected>\n        <useDeadLetterQueue>false</useDeadLetterQueue>\n    </outboundMessages>'
        ),
      },
      check: ([finding]) => {
        expect(finding).to.include({ severity: 'error', component: 'WorkflowOutboundMessage:Contact.Sync', line: 6 });
        expect(finding.message).to.contain('Email, MobilePhone');
        expect(parse(finding.fix!.snippet!)).to.deep.equal({ exclude: [{ component: 'WorkflowOutboundMessage:Contact.Sync' }] });
      },
    },
    clean: {
      files: {
        [`${DEFAULT}/workflows/Contact.workflow-meta.xml`]: xml(
          'Workflow',
          '    <outboundMessages>\n        <fullName>Sync</fullName>\n        <endpointUrl>https://hooks.example.com/sync</endpointUrl>\n        <fields>Id</fields>\n        <name>Sync</name>\n    </outboundMessages>'
        ),
      },
    },
  },
  'CN-CBDT-05': {
    finding: {
      files: {
        [`${DEFAULT}/externalServiceRegistrations/Weather.externalServiceRegistration-meta.xml`]: xml(
          'ExternalServiceRegistration',
          '    <label>Weather</label>\n    <namedCredentialReference>WeatherApi</namedCredentialReference>\n    <registrationProviderType>Custom</registrationProviderType>\n    <schemaType>OpenApi3</schemaType>\n    <status>Complete</status>'
        ),
        ...namedCredential('WeatherApi', '    <endpoint>https://api.weather.example.com</endpoint>\n    <label>WeatherApi</label>'),
      },
      options: { only: 'CN-CBDT-05' },
      check: ([finding]) => {
        expect(finding).to.include({ severity: 'warn', component: 'ExternalServiceRegistration:Weather', line: 4 });
        expect(finding.message).to.contain('api.weather.example.com');
      },
    },
    clean: {
      files: {
        [`${DEFAULT}/externalServiceRegistrations/Weather.externalServiceRegistration-meta.xml`]: xml(
          'ExternalServiceRegistration',
          '    <label>Weather</label>\n    <namedCredentialReference>WeatherApi</namedCredentialReference>\n    <status>Complete</status>'
        ),
        ...namedCredential('WeatherApi', '    <endpoint>https://api.weather.example.cn</endpoint>\n    <label>WeatherApi</label>'),
      },
    },
  },
  'CN-CBDT-06': {
    finding: {
      files: { [`${DEFAULT}/cspTrustedSites/Fonts.cspTrustedSite-meta.xml`]: xml('CspTrustedSite', '    <endpointUrl>https://fonts.googleapis.com</endpointUrl>\n    <isActive>true</isActive>') },
      check: ([finding]) => expect(finding).to.include({ severity: 'warn', component: 'CspTrustedSite:Fonts', line: 3, column: 18 }),
    },
    clean: { files: { [`${DEFAULT}/cspTrustedSites/Fonts.cspTrustedSite-meta.xml`]: xml('CspTrustedSite', '    <endpointUrl>https://fonts.googleapis.com</endpointUrl>\n    <isActive>false</isActive>') } },
  },
  'CN-CBDT-07': {
    finding: {
      files: apex('Refunds', "public class Refunds {\n    void go(HttpRequest req) {\n        req.setEndpoint('https://api.stripe.com/v1/refunds');\n    }\n}"),
      check: ([finding]) => expect(finding).to.include({ severity: 'warn', line: 3, column: 25 }),
    },
    clean: { files: apex('Refunds', "public class Refunds {\n    void go(HttpRequest req) {\n        req.setEndpoint('callout:Stripe/v1/refunds');\n        req.setEndpoint('https://api.weixin.qq.com/cgi-bin/token');\n    }\n}") },
  },
  'CN-FEAT-01': {
    finding: {
      files: { [`${DEFAULT}/genAiPromptTemplates/Summary.genAiPromptTemplate-meta.xml`]: xml('GenAiPromptTemplate', '    <developerName>Summary</developerName>\n    <masterLabel>Summary</masterLabel>') },
      check: ([finding]) => {
        expect(finding).to.include({ severity: 'warn', component: 'GenAiPromptTemplate:Summary' });
        expect(snippetOf(finding).exclude[0].component).to.equal('GenAiPromptTemplate:Summary');
      },
    },
    clean: { files: apex('A', 'public class A {}') },
  },
  'CN-FEAT-02': {
    finding: {
      files: { [`${DEFAULT}/settings/EinsteinGpt.settings-meta.xml`]: xml('EinsteinGptSettings', '    <enableEinsteinGptPlatform>true</enableEinsteinGptPlatform>') },
      check: ([finding]) => expect(finding).to.include({ severity: 'warn', component: 'Settings:EinsteinGpt', line: 3, column: 32 }),
    },
    clean: {
      files: {
        [`${DEFAULT}/settings/EinsteinGpt.settings-meta.xml`]: xml('EinsteinGptSettings', '    <enableEinsteinGptPlatform>false</enableEinsteinGptPlatform>'),
        [`${DEFAULT}/settings/Account.settings-meta.xml`]: xml('AccountSettings', '    <enableAccountTeams>true</enableAccountTeams>'),
      },
    },
  },
  'CN-FEAT-03': {
    finding: {
      files: { [`${DEFAULT}/networks/Partners.network-meta.xml`]: xml('Network', '    <status>Live</status>\n    <urlPathPrefix>partners</urlPathPrefix>') },
      check: ([finding]) => expect(finding).to.include({ severity: 'info', component: 'Network:Partners' }),
    },
    clean: { files: apex('A', 'public class A {}') },
  },
  'CN-PKG-01': {
    finding: {
      files: apex('Quotes', 'public class Quotes {\n    List<SBQQ__Quote__c> q = [SELECT Id, SBQQ__Status__c FROM SBQQ__Quote__c];\n    Order_Request__c mine;\n}'),
      check: (findings) => {
        expect(findings).to.have.length(1);
        expect(findings[0]).to.include({ severity: 'error', line: 2, column: 10 });
        expect(parse(findings[0].fix!.snippet!)).to.deep.equal({ regions: { china: { checks: { installedPackages: ['SBQQ'] } } } });
      },
    },
    clean: {
      files: apex('Quotes', 'public class Quotes {\n    List<SBQQ__Quote__c> q;\n    Order_Request__c mine;\n}'),
      options: { installedNamespaces: new Set(['sbqq']) },
    },
  },
  'CN-API-01': {
    finding: {
      files: { ...apex('Old', 'public class Old {}', '30.0'), ...apex('Aging', 'public class Aging {}', '40.0'), ...apex('Future', 'public class Future {}', '63.0') },
      options: { org: org(['ApexClass'], '62.0') },
      check: (findings) => {
        expect(findings.map((finding) => [finding.component, finding.severity, finding.line, finding.column])).to.deep.equal([
          ['ApexClass:Future', 'error', 3, 17],
          ['ApexClass:Old', 'error', 3, 17],
          ['ApexClass:Aging', 'warn', 3, 17],
        ]);
      },
    },
    clean: { files: apex('Current', 'public class Current {}', '62.0'), options: { org: org(['ApexClass'], '62.0') } },
  },
  'CN-ID-01': {
    finding: {
      files: apex('Owner', "public class Owner {\n    static Id OWNER = '005000000000001AAA';\n}"),
      check: ([finding]) => {
        expect(finding).to.include({ severity: 'warn', line: 2, column: 24 });
        expect(finding.message).to.contain('user id 005000000000001AAA');
      },
    },
    clean: { files: apex('Owner', "public class Owner {\n    static String KEY = 'Owner_Queue';\n    static String HASH = 'a005000000000001AAAz';\n}") },
  },
  'CN-USER-01': {
    finding: {
      files: {
        [`${DEFAULT}/workflows/Case.workflow-meta.xml`]: xml(
          'Workflow',
          '    <alerts>\n        <fullName>Escalated</fullName>\n        <description>Escalated</description>\n        <protected>false</protected>\n        <recipients>\n            <recipient>support.lead@acme.com</recipient>\n            <type>user</type>\n        </recipients>\n        <template>Support/Escalated</template>\n    </alerts>'
        ),
      },
      check: ([finding]) => {
        expect(finding).to.include({ severity: 'warn', component: 'Workflow:Case', line: 8, column: 24 });
        expect(snippetOf(finding).patches[0].path).to.equal('alerts[fullName=Escalated]/recipients/recipient');
      },
    },
    clean: {
      files: {
        [`${DEFAULT}/workflows/Case.workflow-meta.xml`]: xml(
          'Workflow',
          '    <alerts>\n        <fullName>Escalated</fullName>\n        <description>Escalated</description>\n        <protected>false</protected>\n        <recipients>\n            <type>owner</type>\n        </recipients>\n        <template>Support/Escalated</template>\n    </alerts>'
        ),
      },
    },
  },
  'CN-OWN-01': {
    finding: {
      files: apex('Core', 'public class Core {}'),
      options: {
        config: federateYml('', '    owns: [force-app-china/**, "ApexClass:WeChat*"]\n'),
        changedPaths: [`${DEFAULT}/classes/Core.cls`, 'force-app-china/main/default/classes/X.cls'],
      },
      check: ([finding, ...rest]) => {
        expect(rest).to.have.length(0);
        expect(finding).to.include({ severity: 'error', path: `${DEFAULT}/classes/Core.cls`, component: 'ApexClass:Core' });
      },
    },
    clean: {
      files: apex('WeChatService', 'public class WeChatService {}'),
      options: { config: federateYml('', '    owns: ["ApexClass:WeChat*"]\n'), changedPaths: [`${DEFAULT}/classes/WeChatService.cls`] },
    },
  },
  'CN-OWN-02': {
    finding: {
      files: { ...apex('WeChatService', "public class WeChatService {\n    String u = 'https://api.weixin.qq.com/cgi-bin/token';\n}"), ...apex('Core', 'public class Core {}') },
      options: { bound: 'global', config: federateYml('', '    owns: ["ApexClass:WeChat*"]\n') },
      check: (findings) => {
        expect(findings.map((finding) => [finding.component, finding.line])).to.deep.equal([
          ['ApexClass:WeChatService', 2],
          ['ApexClass:WeChatService', 1],
        ]);
      },
    },
    clean: { files: apex('Core', "public class Core {\n    String u = 'callout:Core';\n}"), options: { bound: 'global', config: federateYml('', '    owns: ["ApexClass:WeChat*"]\n') } },
  },
  'CN-SEC-01': {
    finding: {
      files: { [`${DEFAULT}/remoteSiteSettings/Legacy.remoteSite-meta.xml`]: xml('RemoteSiteSetting', '    <disableProtocolSecurity>true</disableProtocolSecurity>\n    <isActive>true</isActive>\n    <url>http://legacy.example.cn</url>') },
      check: ([finding]) => expect(finding).to.include({ severity: 'warn', line: 3, column: 30 }),
    },
    clean: { files: remoteSite('Pay', 'https://pay.example.cn') },
  },
  'CN-XML-01': {
    finding: {
      files: { [`${DEFAULT}/remoteSiteSettings/Broken.remoteSite-meta.xml`]: xml('RemoteSiteSetting', '    <isActive>true</isActive>\n    <url>https://x.example.cn</ur>') },
      check: ([finding]) => {
        expect(finding).to.include({ severity: 'error', path: `${DEFAULT}/remoteSiteSettings/Broken.remoteSite-meta.xml`, line: 4, column: 30 });
        expect(finding.message).to.contain('</ur> does not match <url>');
      },
    },
    // An LWR site's pages: SDR names each page's _meta.json (JSON, not XML) as its metadata file.
    clean: {
      files: {
        ...remoteSite('Pay', 'https://pay.example.cn'),
        [`${DEFAULT}/digitalExperiences/site/Shop1/Shop1.digitalExperience-meta.xml`]: xml('DigitalExperienceBundle', '    <label>Shop1</label>'),
        [`${DEFAULT}/digitalExperiences/site/Shop1/sfdc_cms__view/home/_meta.json`]: '{\n    "apiName": "home",\n    "type": "sfdc_cms__view",\n    "path": "views"\n}\n',
        [`${DEFAULT}/digitalExperiences/site/Shop1/sfdc_cms__view/home/content.json`]: '{\n    "type": "sfdc_cms__view",\n    "title": "Home"\n}\n',
      },
    },
  },
  'CN-ORG-01': {
    finding: {
      files: { ...apex('A', 'public class A {}'), [`${DEFAULT}/genAiPromptTemplates/Summary.genAiPromptTemplate-meta.xml`]: xml('GenAiPromptTemplate', '    <developerName>Summary</developerName>') },
      options: { org: org(['ApexClass']) },
      check: ([finding, ...rest]) => {
        expect(rest).to.have.length(0);
        expect(finding).to.include({ severity: 'error', component: 'GenAiPromptTemplate:Summary' });
      },
    },
    clean: { files: apex('A', 'public class A {}'), options: { org: org(['ApexClass']) } },
  },
};

describe('readiness rules (the China catalog)', () => {
  it('has a finding case and a clean case for every rule of the catalog, and stable unique ids', async () => {
    const ids = (await loadRules()).map((rule) => rule.id);
    expect(ids).to.deep.equal(Object.keys(CASES).sort());
    for (const id of ids) expect(id).to.match(/^CN-[A-Z]+-\d{2}$/);
  });

  for (const [id, { finding, clean }] of Object.entries(CASES)) {
    describe(id, () => {
      it('raises a finding with a location and a fix', async () => {
        const result = await runOn(finding.files, { only: id, ...finding.options });
        const findings = result.findings.filter((entry) => entry.rule === id);
        expect(findings, JSON.stringify(result)).to.have.length.above(0);
        for (const entry of findings) {
          expect(entry.fix?.text, `${id} fix`).to.be.a('string').and.have.length.above(0);
          expect(entry.message).to.be.a('string').and.have.length.above(0);
        }
        finding.check?.(findings, result);
      });
      it('raises nothing on clean metadata', async () => {
        const result = await runOn(clean.files, { only: id, ...clean.options });
        expect(result.ran).to.include(id);
        expect(result.findings.filter((entry) => entry.rule === id)).to.deep.equal([]);
      });
    });
  }

  it('makes cross-border remote sites errors for a production stage', async () => {
    const result = await runOn(remoteSite('Stripe', 'https://api.stripe.com'), { only: 'CN-CBDT-01', production: true });
    expect(result.findings.map((finding) => finding.severity)).to.deep.equal(['error']);
  });

  it('takes extra hosts and *.suffix patterns from allowHosts', async () => {
    const files = { ...remoteSite('Stripe', 'https://api.stripe.com'), ...remoteSite('Acme', 'https://eu.acme-partner.com') };
    const result = await runOn(files, { only: 'CN-CBDT-01', allowHosts: ['api.stripe.com', '*.acme-partner.com'] });
    expect(result.findings).to.deep.equal([]);
  });

  describe('wildcard hosts (a leading *. checked as the domain it covers)', () => {
    const cspSite = (name: string, url: string): Record<string, string> => ({
      [`${DEFAULT}/cspTrustedSites/${name}.cspTrustedSite-meta.xml`]: xml(
        'CspTrustedSite',
        `    <canAccessCamera>false</canAccessCamera>\n    <context>All</context>\n    <endpointUrl>${url}</endpointUrl>\n    <isActive>true</isActive>`
      ),
    });

    it('flags a CSP trusted site on the global sites domain, with the China counterpart as the endpoint', async () => {
      const result = await runOn(cspSite('Sites', 'https://*.my.site.com'), { only: 'CN-CBDT-06' });
      expect(result.findings).to.have.length(1);
      const [finding] = result.findings;
      expect(finding).to.include({ severity: 'warn', component: 'CspTrustedSite:Sites', line: 5, column: 18 });
      expect(finding.message).to.contain('*.my.site.com').and.contain('global Salesforce instance');
      expect(snippetOf(finding).patches).to.deep.equal([{ component: 'CspTrustedSite:Sites', path: 'endpointUrl', set: 'https://*.sites.sfcrmapps.cn' }]);
    });

    it('flags offshore wildcard CSP trusted sites (coral-cloud: https://*.my.salesforce-scrt.com) and leaves mainland ones', async () => {
      const files = {
        ...cspSite('ESA_Embedded_Service_Wildcard', 'https://*.my.salesforce-scrt.com'),
        ...cspSite('Cdn', 'https://*.example.com'),
        ...cspSite('MainlandCdn', 'https://*.example.cn'),
        ...cspSite('ChinaSites', 'https://*.sites.sfcrmapps.cn'),
        ...cspSite('Oss', 'https://*.oss-cn-shanghai.aliyuncs.com'),
      };
      const result = await runOn(files, { only: 'CN-CBDT-06' });
      expect(result.findings.map((finding) => [finding.component, finding.message.match(/from (\S+),/)?.[1]])).to.deep.equal([
        ['CspTrustedSite:Cdn', '*.example.com'],
        ['CspTrustedSite:ESA_Embedded_Service_Wildcard', '*.my.salesforce-scrt.com'],
      ]);
      expect(snippetOf(result.findings[0]).patches[0]).to.include({ path: 'isActive', set: 'false' });
    });

    it('flags wildcard remote sites and Named Credential endpoints outside the mainland', async () => {
      const files = {
        ...remoteSite('Partner', 'https://*.example.com'),
        ...remoteSite('PartnerCn', 'https://*.example.cn'),
        ...namedCredential('Api', '    <endpoint>https://*.api.example.com/v1</endpoint>\n    <label>Api</label>'),
        ...namedCredential('Oss', '    <endpoint>https://*.oss-cn-hangzhou.aliyuncs.com</endpoint>\n    <label>Oss</label>'),
      };
      const sites = await runOn(files, { only: 'CN-CBDT-01' });
      expect(sites.findings.map((finding) => finding.component)).to.deep.equal(['RemoteSiteSetting:Partner']);
      expect(sites.findings[0].message).to.contain('(*.example.com)');
      const credentials = await runOn(files, { only: 'CN-CBDT-02' });
      expect(credentials.findings.map((finding) => finding.component)).to.deep.equal(['NamedCredential:Api']);
      expect(credentials.findings[0].message).to.contain('(*.api.example.com)');
    });

    it('finds wildcard global hosts in code and content (CN-HOST-01), with the China counterpart', async () => {
      const files = apex('Cors', "public class Cors {\n    static List<String> ORIGINS = new List<String>{ 'https://*.my.site.com', 'https://*.lightning.force.com' };\n}");
      const result = await runOn(files, { only: 'CN-HOST-01' });
      expect(result.findings.map((finding) => [finding.line, finding.column, finding.message.split(' ')[3]])).to.deep.equal([
        [2, 62, '*.my.site.com'],
        [2, 87, '*.lightning.force.com'],
      ]);
      expect(parse(result.findings[0].fix!.snippet!)).to.deep.equal({
        replace: [{ filename: `${DEFAULT}/classes/Cors.cls`, stringToReplace: '*.my.site.com', replaceWith: '*.sites.sfcrmapps.cn' }],
      });
    });

    it('leaves out hosts and ids in comments of code, not in its strings (CN-HOST-01, CN-ID-01)', async () => {
      const files = apex(
        'Login',
        "/* Logs in at https://login.salesforce.com for 005000000000001AAA */\npublic class Login {\n    // see https://test.salesforce.com\n    static String URL = 'https://login.salesforce.com'; // not '/*'\n    static Id OWNER = '005000000000002AAA';\n}"
      );
      const hosts = await runOn(files, { only: 'CN-HOST-01' });
      expect(hosts.findings.map((finding) => [finding.line, finding.message.split(' ')[3]])).to.deep.equal([[4, 'login.salesforce.com']]);
      const ids = await runOn(files, { only: 'CN-ID-01' });
      expect(ids.findings.map((finding) => finding.line)).to.deep.equal([5]);
    });

    it('finds wildcard China hosts leaking into global-bound code (CN-HOST-02)', async () => {
      const files = {
        [`${DEFAULT}/lwc/embed/embed.js`]: "const ORIGIN = 'https://*.sites.sfcrmapps.cn';\n",
        [`${DEFAULT}/lwc/embed/embed.js-meta.xml`]: xml('LightningComponentBundle', '<apiVersion>62.0</apiVersion>'),
      };
      const result = await runOn(files, { only: 'CN-HOST-02', bound: 'global' });
      expect(result.findings).to.have.length(1);
      expect(result.findings[0]).to.include({ line: 1, column: 25 });
      expect(result.findings[0].message).to.contain('*.sites.sfcrmapps.cn');
      expect(result.findings[0].fix!.text).to.contain('(*.my.site.com)');
    });

    it('covers a wildcard host by a *.suffix allow entry over its domain, never by an exact entry', async () => {
      const files = { ...remoteSite('Eu', 'https://*.eu.partner.com'), ...remoteSite('All', 'https://*.partner.com'), ...remoteSite('Other', 'https://*.other.com') };
      const bySuffix = await runOn(files, { only: 'CN-CBDT-01', allowHosts: ['*.partner.com', 'other.com', 'api.other.com'] });
      expect(bySuffix.findings.map((finding) => finding.component)).to.deep.equal(['RemoteSiteSetting:Other']);
      const byNarrowerSuffix = await runOn(files, { only: 'CN-CBDT-01', allowHosts: ['*.eu.partner.com', 'https://*.other.com'] });
      expect(byNarrowerSuffix.findings.map((finding) => finding.component)).to.deep.equal(['RemoteSiteSetting:All']);
    });
  });

  describe('mainland Alibaba Cloud endpoints (allow-list seeds)', () => {
    it('takes hosts in a mainland region (cn-*, not cn-hongkong) as mainland, and the other regions as offshore', async () => {
      const files = {
        ...remoteSite('Ebikes', 'https://ebikes-cn.oss-cn-shanghai.aliyuncs.com'),
        ...remoteSite('OssInternal', 'https://assets.oss-cn-beijing-internal.aliyuncs.com'),
        ...remoteSite('Ecs', 'https://ecs.cn-hangzhou.aliyuncs.com'),
        ...remoteSite('Fc', 'https://1234567890.cn-shenzhen.fc.aliyuncs.com'),
        ...remoteSite('HongKong', 'https://ebikes-hk.oss-cn-hongkong.aliyuncs.com'),
        ...remoteSite('Singapore', 'https://ecs.ap-southeast-1.aliyuncs.com'),
        ...remoteSite('UsWest', 'https://ebikes-us.oss-us-west-1.aliyuncs.com'),
        ...remoteSite('Frankfurt', 'https://sls.eu-central-1.aliyuncs.com'),
        ...remoteSite('BucketNamedLikeARegion', 'https://cn-shanghai.oss-cn-hongkong.aliyuncs.com'),
        ...remoteSite('Accelerate', 'https://cn-shanghai.oss-accelerate.aliyuncs.com'),
        ...remoteSite('AnyRegion', 'https://*.aliyuncs.com'),
      };
      const result = await runOn(files, { only: 'CN-CBDT-01' });
      expect(result.findings.map((finding) => finding.component!.split(':')[1]).sort()).to.deep.equal(
        ['Accelerate', 'AnyRegion', 'BucketNamedLikeARegion', 'Frankfurt', 'HongKong', 'Singapore', 'UsWest'].sort()
      );
    });

    it('turns the Alibaba Cloud seeds off with "!.aliyuncs.com"', async () => {
      const result = await runOn(remoteSite('Ebikes', 'https://ebikes-cn.oss-cn-shanghai.aliyuncs.com'), { only: 'CN-CBDT-01', allowHosts: ['!.aliyuncs.com'] });
      expect(result.findings.map((finding) => finding.component)).to.deep.equal(['RemoteSiteSetting:Ebikes']);
    });
  });

  describe('CN-CBDT-07 on a literal Prettier moved to the next line', () => {
    it('points at the literal, not past the end of the setEndpoint( line (apex-recipes CalloutRecipes shape)', async () => {
      const files = apex(
        'CalloutRecipes',
        "public class CalloutRecipes {\n    public static String rawCallout() {\n        HttpRequest request = new HttpRequest();\n        request.setEndpoint(\n            'https://mockbin.org/bin/24d66572/view'\n        );\n        request.setEndpoint('https://api.stripe.com/v1');\n    }\n}"
      );
      const result = await runOn(files, { only: 'CN-CBDT-07' });
      expect(result.findings.map((finding) => [finding.line, finding.column, finding.message.split(' through')[0]])).to.deep.equal([
        [5, 13, 'ApexClass:CalloutRecipes calls mockbin.org'],
        [7, 29, 'ApexClass:CalloutRecipes calls api.stripe.com'],
      ]);
    });
  });

  describe('CN-PKG-01 on components of your own that extend a package', () => {
    it("flags a field added to a package's object, by the object's namespace (OutboundFundsModule shape)", async () => {
      const field = (object: string, name: string): Record<string, string> => ({
        [`${DEFAULT}/objects/${object}/fields/${name}.field-meta.xml`]: xml('CustomField', `    <fullName>${name}</fullName>\n    <defaultValue>false</defaultValue>\n    <label>${name}</label>\n    <type>Checkbox</type>`),
      });
      const files = { ...field('outfunds__Requirement__c', 'IsAddFilesVisible__c'), ...field('Account', 'Mine__c') };
      const result = await runOn(files, { only: 'CN-PKG-01' });
      expect(result.findings.map((finding) => [finding.component, finding.message.split(' not listed')[0]])).to.deep.equal([
        ['CustomField:outfunds__Requirement__c.IsAddFilesVisible__c', 'CustomField:outfunds__Requirement__c.IsAddFilesVisible__c extends a component of the namespace outfunds,'],
      ]);
      expect((await runOn(files, { only: 'CN-PKG-01', installedNamespaces: new Set(['outfunds']) })).findings).to.deep.equal([]);
    });
  });

  describe('CN-USER-01 on sites, Experience Cloud sites and bots', () => {
    it('flags CustomSite siteAdmin/siteGuestRecordDefaultOwner, Network emailSenderAddress, Bot botUser and the user a platform event trigger runs as (ebikes-lwc, coral-cloud shapes)', async () => {
      const files = {
        [`${DEFAULT}/sites/E_Bikes.site-meta.xml`]: xml(
          'CustomSite',
          '    <active>true</active>\n    <masterLabel>E-Bikes</masterLabel>\n    <siteAdmin>conor@qatar.dev</siteAdmin>\n    <siteGuestRecordDefaultOwner\n    >conor@qatar.dev</siteGuestRecordDefaultOwner>\n    <siteType>ChatterNetwork</siteType>\n    <subdomain>qr-dev-ws</subdomain>\n    <urlPathPrefix>ebikes</urlPathPrefix>'
        ),
        [`${DEFAULT}/networks/E-Bikes.network-meta.xml`]: xml(
          'Network',
          '    <allowInternalUserLogin>false</allowInternalUserLogin>\n    <emailSenderAddress>some.sender@company.com</emailSenderAddress>\n    <emailSenderName>E-Bikes</emailSenderName>\n    <networkMemberGroups>\n        <profile>Admin</profile>\n    </networkMemberGroups>\n    <site>E_Bikes</site>\n    <status>Live</status>\n    <urlPathPrefix>ebikes</urlPathPrefix>'
        ),
        [`${DEFAULT}/bots/Customer_Service_Agent/Customer_Service_Agent.bot-meta.xml`]: xml(
          'Bot',
          '    <agentType>EinsteinServiceAgent</agentType>\n    <botMlDomain>\n        <label>Customer Service Agent</label>\n        <name>Customer_Service_Agent</name>\n    </botMlDomain>\n    <botSource>None</botSource>\n    <botUser>agent.user.7ccbfed448f7@example.com</botUser>\n    <label>Customer Service Agent</label>\n    <type>ExternalCopilot</type>'
        ),
        [`${DEFAULT}/platformEventSubscriberConfigs/OrderEventTrigger.platformEventSubscriberConfig-meta.xml`]: xml(
          'PlatformEventSubscriberConfig',
          '    <batchSize>100</batchSize>\n    <masterLabel>OrderEventTriggerConfig</masterLabel>\n    <platformEventConsumer>OrderEventTrigger</platformEventConsumer>\n    <user>integration@acme.com</user>'
        ),
        // A placeholder a setup script replaces (coral-cloud) is not a username.
        [`${DEFAULT}/bots/Coral_Cloud_Agent/Coral_Cloud_Agent.bot-meta.xml`]: xml(
          'Bot',
          '    <agentType>EinsteinServiceAgent</agentType>\n    <botUser>agent-%%SF_CC_PLACEHOLDER_USERNAME%%</botUser>\n    <label>Coral Cloud Agent</label>'
        ),
      };
      const result = await runOn(files, { only: 'CN-USER-01' });
      expect(result.findings.map((finding) => [finding.component, finding.line, snippetOf(finding).patches[0].path, finding.severity])).to.deep.equal([
        ['Bot:Customer_Service_Agent', 9, 'botUser', 'warn'],
        ['Network:E-Bikes', 4, 'emailSenderAddress', 'warn'],
        ['PlatformEventSubscriberConfig:OrderEventTrigger', 6, 'user', 'warn'],
        ['CustomSite:E_Bikes', 5, 'siteAdmin', 'warn'],
        ['CustomSite:E_Bikes', 7, 'siteGuestRecordDefaultOwner', 'warn'],
      ]);
      expect(result.findings[3].message).to.equal('CustomSite:E_Bikes siteAdmin is conor@qatar.dev, a user of another org.');
      expect(snippetOf(result.findings[0]).patches[0]).to.deep.equal({ component: 'Bot:Customer_Service_Agent', path: 'botUser', set: 'REPLACE-WITH-CHINA-USERNAME' });
      // A sender address is not a user (redwoods-insurance's TrailInsurance network sends from example@gmail.com).
      expect(result.findings[1].message).to.equal(
        'Network:E-Bikes emailSenderAddress is some.sender@company.com, a sender address set up in another org (the China org verifies its own).'
      );
      expect(result.findings[1].fix!.text).to.equal('Set the sender address verified in the China org in the china overlay:');
      expect(snippetOf(result.findings[1]).patches[0]).to.deep.equal({ component: 'Network:E-Bikes', path: 'emailSenderAddress', set: 'REPLACE-WITH-CHINA-SENDER-ADDRESS' });
    });
  });

  it('does not run rules of the other instance, nor ORG-01/OWN-01 without their context', async () => {
    const result = await runOn(apex('A', "public class A { String u = 'https://acme.my.sfcrmproducts.cn'; }"));
    expect(result.ran).to.not.include('CN-HOST-02');
    expect(result.notRun.map((entry) => entry.rule)).to.deep.equal(['CN-OWN-01', 'CN-ORG-01'].sort());
    expect(result.findings).to.deep.equal([]);
  });
});
