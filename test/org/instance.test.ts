import { expect } from 'chai';
import { classifyInstance, myDomainForLightningHost } from '../../src/metadata/org/instance.js';
import { redact } from '../../src/metadata/org/redact.js';

describe('org instance recognition and redaction', () => {
  it('recognises China instance URLs by domain, and CHN instance names', () => {
    expect(classifyInstance('https://acme.my.sfcrmproducts.cn')).to.equal('china');
    expect(classifyInstance('https://acme--uat.sandbox.my.sfcrmproducts.cn/')).to.equal('china');
    expect(classifyInstance('https://login.sfcrmproducts.cn')).to.equal('china');
    expect(classifyInstance('https://acme.my.salesforce.com')).to.equal('global');
    expect(classifyInstance('https://sfcrmproducts.cn.evil.example.com')).to.equal('global');
    expect(classifyInstance('http://127.0.0.1:1234', 'CHN2')).to.equal('china');
    expect(classifyInstance('http://127.0.0.1:1234', 'CHN2S')).to.equal('china');
    expect(classifyInstance('http://127.0.0.1:1234', 'NA224')).to.equal('global');
  });

  it('maps a Lightning host to the My Domain to use instead', () => {
    expect(myDomainForLightningHost('https://acme.lightning.sfcrmapps.cn')).to.equal('https://acme.my.sfcrmproducts.cn');
    expect(myDomainForLightningHost('https://acme.lightning.force.com/')).to.equal('https://acme.my.salesforce.com');
    expect(myDomainForLightningHost('https://acme.my.sfcrmproducts.cn')).to.equal(undefined);
  });

  it('redacts session ids, bearer headers and SOAP session headers', () => {
    const token = '00DAb0000012345!AQ8AQ.abcdefghijklmnop_qrstuvwxyz0123456789';
    const text = redact(`failed: ${token} / Authorization: Bearer ${token} / <sessionId>${token}</sessionId>`);
    expect(text).to.not.include('AQ8AQ');
    expect(text).to.include('00DAb0000012345!');
    expect(redact('secret-value-here', 'secret-value-here')).to.equal('[redacted]');
  });
});
