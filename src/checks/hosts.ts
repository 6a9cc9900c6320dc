/*
 * Hosts: which belong to the global Salesforce instance, which to the China one (Salesforce on Alibaba Cloud), and
 * which endpoints count as mainland (the allow-list). Facts from shared/CHINA.md; the allow-list is a heuristic
 * users extend in federate.yml (`checks.allowHosts`).
 */

/** Mainland hosts integrations commonly use; anything under `.cn` is allowed too unless `cnHeuristic` is off. */
export const MAINLAND_SEEDS: readonly string[] = ['api.weixin.qq.com', 'qyapi.weixin.qq.com', 'oapi.dingtalk.com', 'api.dingtalk.com', 'openapi.alipay.com'];

/** Global Salesforce hosts, in text (`g` flag: use with matchAll or lastIndex reset). */
export const GLOBAL_HOST_SOURCE = String.raw`\b(?:(?:login|test)\.salesforce\.com|[a-z0-9][a-z0-9-]*(?:--[a-z0-9-]+)?(?:\.sandbox)?\.my\.salesforce\.com|[a-z0-9][a-z0-9-]*(?:--[a-z0-9-]+)?(?:\.sandbox)?\.lightning\.force\.com|[a-z0-9][a-z0-9-]*(?:--[a-z0-9-]+)?\.my\.site\.com)\b`;
/** China Salesforce hosts in text. */
export const CHINA_HOST_SOURCE = String.raw`\b(?:[a-z0-9][a-z0-9-]*\.)*(?:sfcrmproducts|sfcrmapps)\.cn\b`;
/** Hosts of China-only integrations (WeChat, WeCom, DingTalk, Alipay): China-only components in global metadata. */
export const CHINA_ONLY_SOURCE = String.raw`\b(?:[a-z0-9-]+\.)*(?:weixin\.qq\.com|work\.weixin\.qq\.com|dingtalk\.com|alipay\.com)\b`;

const GLOBAL_HOST = new RegExp(`^${GLOBAL_HOST_SOURCE}$`, 'i');
const CHINA_HOST = new RegExp(`^${CHINA_HOST_SOURCE}$`, 'i');

export function isGlobalSalesforceHost(host: string): boolean {
  return GLOBAL_HOST.test(host);
}

export function isChinaSalesforceHost(host: string): boolean {
  return CHINA_HOST.test(host);
}

/** The China counterpart of a global Salesforce host, when there is a known one (CHINA.md's host table). */
export function chinaCounterpart(host: string): string | undefined {
  const lower = host.toLowerCase();
  if (lower === 'login.salesforce.com') return 'login.sfcrmproducts.cn';
  if (lower === 'test.salesforce.com') return 'test.sfcrmproducts.cn';
  let match = /^(.+)\.my\.salesforce\.com$/.exec(lower);
  if (match) return `${match[1]}.my.sfcrmproducts.cn`;
  match = /^(.+)\.lightning\.force\.com$/.exec(lower);
  if (match) return `${match[1]}.lightning.sfcrmapps.cn`;
  match = /^(.+)\.my\.site\.com$/.exec(lower);
  if (match) return `${match[1]}.sites.sfcrmapps.cn`;
  return undefined;
}

/** The global counterpart of a China Salesforce host. */
export function globalCounterpart(host: string): string | undefined {
  const lower = host.toLowerCase();
  if (lower === 'login.sfcrmproducts.cn') return 'login.salesforce.com';
  if (lower === 'test.sfcrmproducts.cn') return 'test.salesforce.com';
  let match = /^(.+)\.my\.sfcrmproducts\.cn$/.exec(lower);
  if (match) return `${match[1]}.my.salesforce.com`;
  match = /^(.+)\.lightning\.sfcrmapps\.cn$/.exec(lower);
  if (match) return `${match[1]}.lightning.force.com`;
  match = /^(.+)\.sites\.sfcrmapps\.cn$/.exec(lower);
  if (match) return `${match[1]}.my.site.com`;
  return undefined;
}

/** The host of a URL-ish string (`https://a.b/c`, `a.b:443`, `callout:X` → undefined). */
export function hostOf(value: string): string | undefined {
  const text = value.trim();
  if (!text || /^callout:/i.test(text) || text.startsWith('{!') || text.startsWith('/')) return undefined;
  const match = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/\s]*@)?([a-z0-9.-]+\.[a-z]{2,}|\[[0-9a-f:]+\]|\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?(?:[/?#]|$)/i.exec(text);
  return match ? match[1].toLowerCase().replace(/\.$/, '') : undefined;
}

export type HostPolicy = {
  /** The allow-list as configured (seeds + federate.yml). */
  readonly allowList: readonly string[];
  /** Whether a host is on the mainland allow-list (the China org may call it without a cross-border finding). */
  isMainland(host: string): boolean;
};

/**
 * The allow-list: exact hosts, `*.suffix` (any subdomain), `.cn` heuristic (on unless `!.cn` is listed), plus the
 * China Salesforce domains themselves.
 */
export function hostPolicy(extra: readonly string[] = []): HostPolicy {
  const entries = [...MAINLAND_SEEDS, ...extra.filter((entry) => !entry.startsWith('!'))];
  const cnHeuristic = !extra.includes('!.cn');
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of entries) {
    const lower = entry.toLowerCase().trim();
    if (lower.startsWith('*.')) suffixes.push(lower.slice(1));
    else if (lower.startsWith('.')) suffixes.push(lower);
    else exact.add(hostOf(lower) ?? lower);
  }
  return {
    allowList: cnHeuristic ? [...entries, '*.cn'] : entries,
    isMainland: (host: string): boolean => {
      const lower = host.toLowerCase();
      if (exact.has(lower) || isChinaSalesforceHost(lower)) return true;
      if (cnHeuristic && lower.endsWith('.cn')) return true;
      return suffixes.some((suffix) => lower.endsWith(suffix));
    },
  };
}

/** URLs in a text (for hard-coded endpoints in schemas and bodies). */
export const URL_SOURCE = String.raw`\bhttps?://[A-Za-z0-9.-]+(?::\d+)?(?:[/?#][^\s"'<>)\]}]*)?`;
