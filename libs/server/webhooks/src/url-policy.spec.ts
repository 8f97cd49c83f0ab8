import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { urlOrigin, webhookUrlProblem } from './url-policy.js';

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

  it('reduces URLs to their origin for logs and audit', () => {
    assert.equal(urlOrigin('https://hooks.example.com/secret-path?token=abc'), 'https://hooks.example.com');
  });
});
