import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskedStreamKey, parsePushTargetUrl, pushStreamKeyProblem, streamKeyHint } from './push-target-url.js';

function address(url: string) {
  const parsed = parsePushTargetUrl(url);
  assert.ok('address' in parsed, `${url}: ${JSON.stringify(parsed)}`);
  return parsed.address;
}

function problem(url: unknown): string {
  const parsed = parsePushTargetUrl(url);
  assert.ok('problem' in parsed, `${String(url)} was accepted`);
  return parsed.problem;
}

describe('parsePushTargetUrl', () => {
  it('splits and normalizes what services hand out (YouTube, Twitch, Facebook, nested apps)', () => {
    assert.deepEqual(address('rtmp://a.rtmp.youtube.com/live2'), {
      scheme: 'rtmp',
      host: 'a.rtmp.youtube.com',
      port: 1935,
      app: 'live2',
      url: 'rtmp://a.rtmp.youtube.com/live2',
    });
    assert.deepEqual(address('RTMPS://Live-API-S.Facebook.com:443/rtmp/'), {
      scheme: 'rtmps',
      host: 'live-api-s.facebook.com',
      port: 443,
      app: 'rtmp',
      url: 'rtmps://live-api-s.facebook.com/rtmp',
    });
    assert.equal(address('rtmp://ingest.example:1936/app/sub/').app, 'app/sub');
    assert.equal(address('rtmp://ingest.example:1936/app/sub/').url, 'rtmp://ingest.example:1936/app/sub');
    assert.deepEqual([address('rtmp://h.example:80/a').port, address('rtmps://h.example:1935/a').port], [80, 1935]);
    assert.equal(address('rtmps://h.example:80/a').url, 'rtmps://h.example:80/a');
  });

  it('parses hosts as the socket will see them: IPv4 spellings, IPv6 brackets', () => {
    assert.deepEqual(
      [address('rtmp://0x7f.1/live').host, address('rtmp://0x7f.1/live').url],
      ['127.0.0.1', 'rtmp://127.0.0.1/live'],
    );
    assert.equal(address('rtmp://2130706433:1935/live').host, '127.0.0.1');
    const v6 = address('rtmp://[2001:DB8::1]:1937/live');
    assert.deepEqual([v6.host, v6.port, v6.url], ['2001:db8::1', 1937, 'rtmp://[2001:db8::1]:1937/live']);
  });

  it('refuses other schemes, credentials, queries, fragments, bad ports and a missing app', () => {
    assert.match(problem('http://example.com/live'), /rtmp:\/\/ or rtmps:\/\//);
    assert.match(problem('srt://example.com/live'), /rtmp:\/\/ or rtmps:\/\//);
    assert.match(problem(''), /rtmp/);
    assert.match(problem(42), /rtmp/);
    assert.match(problem('rtmp://user:pass@example.com/live'), /credentials/);
    assert.match(problem('rtmp://example.com/live?token=x'), /query.*stream key/);
    assert.match(problem('rtmp://example.com/live#x'), /query or fragment/);
    assert.match(problem('rtmp://example.com:0/live'), /port must be 1-65535/);
    assert.match(problem('rtmp://example.com:70000/live'), /valid URL/);
    assert.match(problem('rtmp://example.com'), /application/);
    assert.match(problem('rtmp://example.com/'), /application/);
    assert.match(problem('rtmp:///live'), /host/);
    assert.match(problem('rtmp://exa mple.com/live'), /valid URL/);
    assert.match(problem('rtmp://example.com/li%20ve'), /spaces/);
    assert.match(problem(`rtmp://example.com/${'a'.repeat(2100)}`), /at most 2048/);
  });
});

describe('target stream keys', () => {
  it('takes what services issue (dashes, underscores, queries) and refuses blanks and controls', () => {
    for (const key of ['abcd-efgh-ijkl-mnop-qrst', 'live_123456_AbCdEf', 'FB-123-0-Ab?s_bl=1&s_psm=1', 'x'])
      assert.equal(pushStreamKeyProblem(key), null, key);
    assert.match(pushStreamKeyProblem('') ?? '', /stream key/);
    assert.match(pushStreamKeyProblem('two words') ?? '', /spaces/);
    assert.match(pushStreamKeyProblem('tab\tkey') ?? '', /control/);
    assert.match(pushStreamKeyProblem('k'.repeat(1025)) ?? '', /at most 1024/);
  });

  it('hints at long keys by their last 4 characters, at short ones not at all', () => {
    assert.equal(maskedStreamKey(streamKeyHint('abcd-efgh-ijkl-mnop-qrst')), '••••qrst');
    assert.equal(maskedStreamKey(streamKeyHint('short-key')), '••••');
  });
});
