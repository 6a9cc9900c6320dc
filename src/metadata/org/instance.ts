/*
 * Which Salesforce instance an org lives on. The China instance (Salesforce on Alibaba Cloud) has its own domains:
 * My Domain `<name>.my.sfcrmproducts.cn`, logins `login|test.sfcrmproducts.cn`, Lightning `<name>.lightning.sfcrmapps.cn`
 * (not an API endpoint), sites `*.sites.sfcrmapps.cn`. Instance names are CHN<n> (production) and CHN<n>S (sandbox).
 */

/** Domains of the China instance (a host equal to one of them or below it). */
export const CHINA_DOMAINS: readonly string[] = ['sfcrmproducts.cn', 'sfcrmapps.cn'];
/** The China login host, for users who have not logged in yet. */
export const CHINA_LOGIN_URL = 'https://login.sfcrmproducts.cn';

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

const below = (host: string, domain: string): boolean => host === domain || host.endsWith(`.${domain}`);

/**
 * 'china' when the instance URL is on a China domain, or the org reported a CHN instance name at login (the auth
 * file keeps it as `instanceName`); 'global' otherwise.
 */
export function classifyInstance(instanceUrl: string, instanceName?: string): 'global' | 'china' {
  const host = hostOf(instanceUrl);
  if (host && CHINA_DOMAINS.some((domain) => below(host, domain))) return 'china';
  if (instanceName && /^CHN\d+S?$/i.test(instanceName)) return 'china';
  return 'global';
}

/**
 * For a Lightning host (`<name>.lightning.sfcrmapps.cn`, `<name>.lightning.force.com`), the My Domain URL to use
 * instead; undefined for any other URL.
 */
export function myDomainForLightningHost(instanceUrl: string): string | undefined {
  const host = hostOf(instanceUrl);
  if (!host) return undefined;
  const china = /^(.+)\.lightning\.sfcrmapps\.cn$/.exec(host);
  if (china) return `https://${china[1]}.my.sfcrmproducts.cn`;
  const global = /^(.+)\.lightning\.force\.com$/.exec(host);
  if (global) return `https://${global[1]}.my.salesforce.com`;
  return undefined;
}
