import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headersFor, isReserved, missingBuildPage } from './dashboard-files.js';

describe('dashboard files', () => {
  it('knows which paths belong to the server', () => {
    for (const path of ['api/v1/me', '/live/x/index.m3u8', 'metrics', 'healthz', 'readyz', 'vod/1/index.m3u8'])
      assert.equal(isReserved(path), true, path);
    for (const path of ['', 'keys/index.html', 'apis/index.html', 'embed/index.html', '_next/static/a.js'])
      assert.equal(isReserved(path), false, path);
  });

  it('gives a page its policy and lets only the embed page be framed', () => {
    assert.equal(headersFor('index.html', "default-src 'self'")['content-security-policy'], "default-src 'self'");
    assert.equal(headersFor('keys/index.html')['x-frame-options'], 'DENY');
    assert.equal(headersFor('embed/index.html', 'p')['x-frame-options'], undefined);
    assert.equal(headersFor('keys/index.txt', 'p')['content-security-policy'], undefined);
  });

  it('escapes the directory it names', () => {
    assert.ok(missingBuildPage('/srv/<out>').includes('/srv/&lt;out&gt;'));
  });
});
