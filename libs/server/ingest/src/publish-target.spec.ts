import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPublishApp, streamKeyFromPublish } from './publish-target.js';

describe('publish target', () => {
  it('takes the stream name as the key (OBS: server rtmp://host/live, key <key>)', () => {
    assert.equal(streamKeyFromPublish('live_abc123'), 'live_abc123');
  });
  it('prefers ?token= from the query or from the stream name', () => {
    assert.equal(streamKeyFromPublish('studio', { token: 'live_q' }), 'live_q');
    assert.equal(streamKeyFromPublish('studio?token=live_x&foo=1'), 'live_x');
    assert.equal(streamKeyFromPublish('live_y?foo=1'), 'live_y');
  });
  it('has no key for an empty name', () => {
    assert.equal(streamKeyFromPublish(''), undefined);
  });
  it('accepts only the live app', () => {
    assert.equal(isPublishApp('live'), true);
    assert.equal(isPublishApp('live/'), true);
    assert.equal(isPublishApp('admin'), false);
  });
});
