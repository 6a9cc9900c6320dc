import { expect } from 'chai';
import {
  CHINA_HOST_SOURCE,
  CHINA_ONLY_SOURCE,
  chinaCounterpart,
  GLOBAL_HOST_SOURCE,
  globalCounterpart,
  hostOf,
  hostPolicy,
  isChinaSalesforceHost,
  isGlobalSalesforceHost,
  isMainlandAlibabaCloud,
  URL_SOURCE,
} from '../../src/checks/hosts.js';

const found = (source: string, text: string): string[] => [...text.matchAll(new RegExp(source, 'gi'))].map((match) => match[0].toLowerCase());

describe('hosts', () => {
  it('reads the host of a URL, a leading *. wildcard included', () => {
    expect(hostOf('https://*.my.site.com')).to.equal('*.my.site.com');
    expect(hostOf('https://*.Example.COM:8443/path')).to.equal('*.example.com');
    expect(hostOf('*.example.cn')).to.equal('*.example.cn');
    expect(hostOf('https://acme.my.site.com/s')).to.equal('acme.my.site.com');
    for (const value of ['https://*', '*', 'https://*.com', 'https://a.*.example.com', 'callout:Api/x', '/relative']) expect(hostOf(value), value).to.equal(undefined);
  });

  it('takes a wildcard over a global or China Salesforce domain as that domain, with its counterpart', () => {
    const pairs: Array<[string, string]> = [
      ['*.my.site.com', '*.sites.sfcrmapps.cn'],
      ['*.my.salesforce.com', '*.my.sfcrmproducts.cn'],
      ['*.sandbox.my.salesforce.com', '*.sandbox.my.sfcrmproducts.cn'],
      ['*.lightning.force.com', '*.lightning.sfcrmapps.cn'],
    ];
    for (const [global, china] of pairs) {
      expect(isGlobalSalesforceHost(global), global).to.equal(true);
      expect(chinaCounterpart(global)).to.equal(china);
      expect(isChinaSalesforceHost(china), china).to.equal(true);
      expect(globalCounterpart(china)).to.equal(global);
    }
    expect(isChinaSalesforceHost('*.sfcrmapps.cn')).to.equal(true);
    for (const host of ['*.salesforce.com', '*.site.com', '*.my.salesforce-scrt.com', '*.example.com']) expect(isGlobalSalesforceHost(host), host).to.equal(false);
  });

  it('finds wildcard hosts in text with every hosts-in-text regex, and no wildcard inside a name', () => {
    const text = "a = 'https://*.my.site.com/s', b = \"//*.sites.sfcrmapps.cn\", c = https://*.weixin.qq.com, d = 'https://acme.my.site.com', e = x*.my.site.com";
    expect(found(GLOBAL_HOST_SOURCE, text)).to.deep.equal(['*.my.site.com', 'acme.my.site.com']);
    expect(found(CHINA_HOST_SOURCE, text)).to.deep.equal(['*.sites.sfcrmapps.cn']);
    expect(found(CHINA_ONLY_SOURCE, text)).to.deep.equal(['*.weixin.qq.com']);
    expect(found(URL_SOURCE, text)).to.deep.equal(['https://*.my.site.com/s', 'https://*.weixin.qq.com', 'https://acme.my.site.com']);
  });

  it('does not take the start of a longer host for a Salesforce or China-only host, and ends a host at a full stop', () => {
    const text =
      'a = https://acme.my.salesforce.com.example.org/x, b = login.salesforce.com-proxy.example.net, c = acme.sites.sfcrmapps.cn.evil.io, d = api.weixin.qq.com.mirror.example.com, e = see login.salesforce.com. f = https://acme.my.sfcrmproducts.cn/, g = open.work.weixin.qq.com';
    expect(found(GLOBAL_HOST_SOURCE, text)).to.deep.equal(['login.salesforce.com']);
    expect(found(CHINA_HOST_SOURCE, text)).to.deep.equal(['acme.my.sfcrmproducts.cn']);
    expect(found(CHINA_ONLY_SOURCE, text)).to.deep.equal(['open.work.weixin.qq.com']);
  });

  // One case per rule of the Alibaba Cloud seed (src/checks/hosts.ts, isMainlandAlibabaCloud).
  const ALIBABA: Array<[string, boolean]> = [
    ['ebikes-cn.oss-cn-shanghai.aliyuncs.com', true], // OSS bucket, mainland region
    ['oss-cn-shanghai.aliyuncs.com', true], // OSS region endpoint
    ['assets.oss-cn-beijing-internal.aliyuncs.com', true], // internal endpoint
    ['oss-cn-shanghai-finance-1.aliyuncs.com', true], // finance cloud
    ['ecs.cn-hangzhou.aliyuncs.com', true], // <service>.<region>
    ['ecs-cn-hangzhou.aliyuncs.com', true], // legacy <service>-<region>
    ['1234567890.cn-shenzhen.fc.aliyuncs.com', true], // Function Compute: region before fc
    ['project.cn-hangzhou.log.aliyuncs.com', true], // Log Service: region before log
    ['*.oss-cn-shanghai.aliyuncs.com', true], // a wildcard within one mainland region
    ['ebikes-hk.oss-cn-hongkong.aliyuncs.com', false], // Hong Kong is not the mainland
    ['ecs.cn-hongkong.aliyuncs.com', false],
    ['oss-cn-hongkong-internal.aliyuncs.com', false],
    ['ecs.ap-southeast-1.aliyuncs.com', false], // Singapore
    ['bucket.oss-us-west-1.aliyuncs.com', false], // Silicon Valley
    ['sls.eu-central-1.aliyuncs.com', false], // Frankfurt
    ['1234567890.ap-northeast-1.fc.aliyuncs.com', false],
    ['cn-shanghai.oss-cn-hongkong.aliyuncs.com', false], // a bucket named like a region: the user's label does not count
    ['cn-shanghai.oss-accelerate.aliyuncs.com', false], // global acceleration: no region
    ['dysmsapi.aliyuncs.com', false], // region-less endpoint
    ['*.aliyuncs.com', false], // covers every region
    ['*.fc.aliyuncs.com', false],
    ['oss-cn-shanghai.aliyuncs.com.example.com', false],
  ];
  for (const [host, mainland] of ALIBABA) {
    it(`takes ${host} as ${mainland ? 'a mainland' : 'not a mainland'} Alibaba Cloud endpoint`, () => {
      expect(isMainlandAlibabaCloud(host)).to.equal(mainland);
      expect(hostPolicy().isMainland(host)).to.equal(mainland);
    });
  }

  it('judges a wildcard host by all it covers: *.suffix entries over it, .cn, never an exact entry', () => {
    const policy = hostPolicy(['api.partner.com', '*.eu.partner.com', '.shop.com', 'https://*.cdn.com', 'https://files.example.com/x']);
    const cases: Array<[string, boolean]> = [
      ['*.partner.com', false], // an exact entry under it does not cover it
      ['*.eu.partner.com', true],
      ['*.fr.eu.partner.com', true],
      ['*.shop.com', true],
      ['*.a.shop.com', true],
      ['*.cdn.com', true], // an entry written as a URL
      ['img.cdn.com', true],
      ['files.example.com', true],
      ['*.files.example.com', false],
      ['*.weixin.qq.com', false], // the api.weixin.qq.com seed is exact
      ['*.example.cn', true],
      ['*.sfcrmproducts.cn', true],
      ['*.example.com', false],
    ];
    for (const [host, mainland] of cases) expect(policy.isMainland(host), host).to.equal(mainland);
    expect(hostPolicy(['!.cn']).isMainland('*.example.cn')).to.equal(false);
    expect(hostPolicy(['!.cn']).isMainland('*.sites.sfcrmapps.cn')).to.equal(true);
  });
});
