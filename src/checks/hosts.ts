/*
 * Hosts: which belong to the global Salesforce instance, which to the China one (Salesforce on Alibaba Cloud), and
 * which endpoints count as mainland (the allow-list). Facts from shared/CHINA.md; the allow-list is a heuristic
 * users extend in federate.yml (`checks.allowHosts`).
 *
 * A host may be a wildcard (`*.my.site.com`, as CSP trusted sites and CORS entries write them): a leading `*.` label
 * stands for any subdomain, and the wildcard is judged as the domain it covers. It is a global (China) Salesforce
 * host when what it covers is (`*.my.site.com`, `*.sites.sfcrmapps.cn`), and it is mainland only when everything it
 * covers is (a `*.suffix` allow entry over it, `.cn`, a mainland Alibaba Cloud region), never through an exact entry.
 */

/** Mainland hosts integrations commonly use; anything under `.cn` is allowed too unless `cnHeuristic` is off. */
export const MAINLAND_SEEDS: readonly string[] = ['api.weixin.qq.com', 'qyapi.weixin.qq.com', 'oapi.dingtalk.com', 'api.dingtalk.com', 'openapi.alipay.com'];

/**
 * Alibaba Cloud endpoints in a mainland region, as the allow-list shows them (on unless `!.aliyuncs.com` is listed).
 * See isMainlandAlibabaCloud for the exact rule.
 */
export const ALIBABA_CLOUD_SEEDS: readonly string[] = ['*.cn-<region>.aliyuncs.com', '*.oss-cn-<region>.aliyuncs.com'];

/** A leading wildcard label (`*.`) in text: not inside another host name. Every hosts-in-text regex starts with it or `\b`. */
const WILDCARD = String.raw`(?<![a-z0-9_.*-])\*\.`;
/** A label that names an org, a site or a sandbox (`acme`, `acme--uat`), or a wildcard for all of them. */
const NAME = String.raw`(?:${WILDCARD}|\b[a-z0-9][a-z0-9-]*(?:--[a-z0-9-]+)?\.)`;

/**
 * The end of a host name in text: not followed by another label (`acme.my.salesforce.com.example.org` is a host of
 * example.org) nor by a hyphenated rest of one. A dot ending a sentence still ends the host.
 */
const HOST_END = String.raw`\b(?![.-][a-z0-9])`;
/** Global Salesforce hosts, in text (`g` flag: use with matchAll or lastIndex reset). */
export const GLOBAL_HOST_SOURCE = String.raw`(?:\b(?:login|test)\.salesforce\.com|${NAME}(?:sandbox\.)?my\.salesforce\.com|${NAME}(?:sandbox\.)?lightning\.force\.com|${NAME}my\.site\.com)${HOST_END}`;
/** China Salesforce hosts in text. */
export const CHINA_HOST_SOURCE = String.raw`(?:${WILDCARD}|\b)(?:[a-z0-9][a-z0-9-]*\.)*(?:sfcrmproducts|sfcrmapps)\.cn${HOST_END}`;
/** Hosts of China-only integrations (WeChat, WeCom, DingTalk, Alipay): China-only components in global metadata. */
export const CHINA_ONLY_SOURCE = String.raw`(?:${WILDCARD}|\b)(?:[a-z0-9-]+\.)*(?:weixin\.qq\.com|work\.weixin\.qq\.com|dingtalk\.com|alipay\.com)${HOST_END}`;

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

/** The host of a URL-ish string (`https://a.b/c`, `a.b:443`, `https://*.a.b` → `*.a.b`, `callout:X` → undefined). */
export function hostOf(value: string): string | undefined {
  const text = value.trim();
  if (!text || /^callout:/i.test(text) || text.startsWith('{!') || text.startsWith('/')) return undefined;
  const match = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/\s]*@)?(\*\.[a-z0-9][a-z0-9.-]*\.[a-z]{2,}|[a-z0-9.-]+\.[a-z]{2,}|\[[0-9a-f:]+\]|\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?(?:[/?#]|$)/i.exec(text);
  return match ? match[1].toLowerCase().replace(/\.$/, '') : undefined;
}

/** Whether a host is a wildcard (`*.example.com`): it stands for every subdomain of the domain after `*.`. */
export function isWildcardHost(host: string): boolean {
  return host.startsWith('*.');
}

/**
 * An Alibaba Cloud region label in the mainland: `cn-<city>` (with its `-internal`, `-finance-1`, `-gov-1`… variants),
 * except `cn-hongkong`; `ap-*`, `us-*`, `eu-*`, `me-*` are not mainland. The label may carry OSS's `oss-` prefix
 * (`oss-cn-shanghai`) or a legacy service prefix (`ecs-cn-hangzhou`).
 */
const MAINLAND_REGION_LABEL = /^(?:[a-z0-9]+-)?cn-(?!hongkong(?:-|$))[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Services whose endpoints put the region before the service label (`<account>.cn-shanghai.fc.aliyuncs.com`, `<project>.cn-hangzhou.log.aliyuncs.com`). */
const REGION_FIRST_SERVICES: ReadonlySet<string> = new Set(['fc', 'log']);

/**
 * Whether a host is an Alibaba Cloud endpoint in a mainland region (Salesforce on Alibaba Cloud runs there). Only the
 * label Alibaba Cloud controls decides: the one right before `aliyuncs.com` (`bucket.oss-cn-shanghai.aliyuncs.com`,
 * `ecs.cn-hangzhou.aliyuncs.com`), or the one before `fc.`/`log.aliyuncs.com`. Labels further left are the user's
 * (an OSS bucket named `cn-shanghai` in Hong Kong stays offshore). Region-less endpoints (`oss-accelerate`,
 * `dysmsapi.aliyuncs.com`) are not seeds: list them in allowHosts.
 */
export function isMainlandAlibabaCloud(host: string): boolean {
  const labels = host.toLowerCase().split('.');
  if (labels.length < 3 || labels.at(-1) !== 'com' || labels.at(-2) !== 'aliyuncs') return false;
  const regionAt = REGION_FIRST_SERVICES.has(labels.at(-3)!) ? -4 : -3;
  const region = labels.at(regionAt);
  return region !== undefined && MAINLAND_REGION_LABEL.test(region);
}

export type HostPolicy = {
  /** The allow-list as configured (seeds + federate.yml). */
  readonly allowList: readonly string[];
  /** Whether a host (or wildcard host) is on the mainland allow-list (the China org may call it without a cross-border finding). */
  isMainland(host: string): boolean;
};

/**
 * The allow-list: exact hosts, `*.suffix` (any subdomain), `.cn` heuristic (on unless `!.cn` is listed), mainland
 * Alibaba Cloud regions (on unless `!.aliyuncs.com` is listed), plus the China Salesforce domains themselves.
 * A wildcard host is on it only when all it covers is: a `*.suffix` entry covers `*.suffix` and `*.sub.suffix`;
 * an exact entry never covers a wildcard.
 */
export function hostPolicy(extra: readonly string[] = []): HostPolicy {
  const entries = [...MAINLAND_SEEDS, ...extra.filter((entry) => !entry.startsWith('!'))];
  const cnHeuristic = !extra.includes('!.cn');
  const alibabaCloud = !extra.includes('!.aliyuncs.com');
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of entries) {
    const lower = entry.toLowerCase().trim();
    const host = lower.startsWith('.') || lower.startsWith('*.') ? lower : hostOf(lower) ?? lower;
    if (host.startsWith('*.')) suffixes.push(host.slice(1));
    else if (host.startsWith('.')) suffixes.push(host);
    else exact.add(host);
  }
  return {
    allowList: [...entries, ...(alibabaCloud ? ALIBABA_CLOUD_SEEDS : []), ...(cnHeuristic ? ['*.cn'] : [])],
    isMainland: (host: string): boolean => {
      const lower = host.toLowerCase();
      const wildcard = isWildcardHost(lower);
      if ((!wildcard && exact.has(lower)) || isChinaSalesforceHost(lower)) return true;
      if (cnHeuristic && lower.endsWith('.cn')) return true;
      if (alibabaCloud && isMainlandAlibabaCloud(lower)) return true;
      // `*.a.b` covers the subdomains of a.b: a suffix `.b` or `.a.b` covers all of them.
      const domain = wildcard ? lower.slice(1) : lower;
      return suffixes.some((suffix) => domain.endsWith(suffix));
    },
  };
}

/** URLs in a text (for hard-coded endpoints in schemas and bodies); the host may be a wildcard (`https://*.a.b`). */
export const URL_SOURCE = String.raw`\bhttps?://(?:\*\.)?[A-Za-z0-9.-]+(?::\d+)?(?:[/?#][^\s"'<>)\]}]*)?`;
