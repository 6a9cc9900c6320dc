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

  it('does not run rules of the other instance, nor ORG-01/OWN-01 without their context', async () => {
    const result = await runOn(apex('A', "public class A { String u = 'https://acme.my.sfcrmproducts.cn'; }"));
    expect(result.ran).to.not.include('CN-HOST-02');
    expect(result.notRun.map((entry) => entry.rule)).to.deep.equal(['CN-OWN-01', 'CN-ORG-01'].sort());
    expect(result.findings).to.deep.equal([]);
  });
});
