import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutboundGuard, OutboundPolicy } from '@rapidrtmp/server-outbound';
import { urlOrigin, webhookAddressRefusal, webhookUrlProblem } from './url-policy.js';

describe('webhook URL policy', () => {
  it('accepts http and https URLs', () => {
    for (const url of [
      'https://hooks.example.com/rapidrtmp',
      'http://127.0.0.1:9000/hook?token=abc',
      'https://[::1]:8443/x',
    ]) {
      assert.equal(webhookUrlProblem(url), null, url);
    }
  });

  it('rejects other schemes, credentials, fragments and non-URLs', () => {
    assert.match(webhookUrlProblem('ftp://example.com/x') ?? '', /http or https/);
    assert.match(webhookUrlProblem('file:///etc/passwd') ?? '', /http or https/);
    assert.match(webhookUrlProblem('javascript:alert(1)') ?? '', /http or https/);
    assert.match(webhookUrlProblem('https://user:pass@example.com/') ?? '', /credentials/);
    assert.match(webhookUrlProblem('https://user@example.com/') ?? '', /credentials/);
    assert.match(webhookUrlProblem('https://:secret@example.com/') ?? '', /credentials/);
    assert.match(webhookUrlProblem('https://example.com/#frag') ?? '', /fragment/);
    assert.match(webhookUrlProblem('/relative/path') ?? '', /absolute/);
    assert.match(webhookUrlProblem('') ?? '', /URL/);
    assert.match(webhookUrlProblem(42) ?? '', /URL/);
    assert.match(webhookUrlProblem(`https://example.com/${'a'.repeat(2100)}`) ?? '', /2048/);
  });

  it('refuses hosts that are literal internal addresses, however the URL spells them', () => {
    const strict = new OutboundGuard(OutboundPolicy.strict());
    for (const [url, rule, address] of [
      ['http://127.0.0.1:9000/hook', 'loopback', '127.0.0.1'],
      ['http://169.254.169.254/latest/meta-data/', 'link-local', '169.254.169.254'],
      ['http://[::1]/x', 'loopback', '::1'],
      ['http://0x7f.1/', 'loopback', '127.0.0.1'],
      ['http://2130706433/', 'loopback', '127.0.0.1'],
      ['http://127.1:8080/', 'loopback', '127.0.0.1'],
      ['http://0177.0.0.1/', 'loopback', '127.0.0.1'],
      ['http://[0:0:0:0:0:ffff:7f00:1]/', 'loopback', '::ffff:7f00:1'],
      ['https://[fe80::1]/', 'link-local', 'fe80::1'],
      ['http://100.64.1.1/', 'cgnat', '100.64.1.1'],
      ['http://0/', 'unspecified', '0.0.0.0'],
    ] as const) {
      const refusal = webhookAddressRefusal(url, strict);
      assert.equal(refusal?.rule, rule, url);
      assert.equal(refusal.address, address, url);
    }
    for (const url of ['https://hooks.example.com/x', 'http://8.8.8.8/x', 'http://localhost:9/x']) {
      assert.equal(webhookAddressRefusal(url, strict), null, `${url}: names are checked at delivery`);
    }
    const loopbackAllowed = new OutboundGuard(OutboundPolicy.allowing(['127.0.0.0/8', '::1/128']));
    assert.equal(webhookAddressRefusal('http://127.0.0.1:9/x', loopbackAllowed), null);
    assert.equal(webhookAddressRefusal('http://[::1]:9/x', loopbackAllowed), null);
    assert.equal(webhookAddressRefusal('http://169.254.169.254/', loopbackAllowed)?.rule, 'link-local');
  });

  it('reduces URLs to their origin for logs and audit', () => {
    assert.equal(urlOrigin('https://hooks.example.com/secret-path?token=abc'), 'https://hooks.example.com');
  });
});
