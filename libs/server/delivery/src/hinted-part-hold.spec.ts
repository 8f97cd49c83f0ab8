import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syntheticConfigs, syntheticPackets } from '@rapidrtmp/hls/testing';
import { loadConfig } from '@rapidrtmp/server-config';
import { createLogger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { LiveStream, type LiveStreamInfo, LiveStreamRegistry } from '@rapidrtmp/server-streams';
import { HlsService } from './hls.service.js';

function publishSeconds(stream: LiveStream, seconds: number, offsetMs: number): void {
  for (const packet of syntheticPackets({ seconds, offsetMs })) stream.publish({ type: 'packet', packet });
}

describe('a hinted part for a client past its held-request bound', () => {
  it('is answered 503 at once instead of held; within the bound it is held until it exists', async () => {
    const registry = new LiveStreamRegistry();
    const hls = new HlsService(loadConfig({}), registry, new MetricsRegistry(), createLogger('silent'));
    hls.onModuleInit();
    const info = { id: 's1', playbackId: 'pb1', streamKeyId: 'k1', signedPlayback: false, recordingEnabled: false };
    const live = new LiveStream({ ...info, startedAt: new Date() } as LiveStreamInfo, { close: () => undefined });
    registry.add(live);
    const { video, audio } = syntheticConfigs();
    live.publish({ type: 'config', track: 'video', config: video, changed: false });
    live.publish({ type: 'config', track: 'audio', config: audio, changed: false });
    publishSeconds(live, 5, 0);
    const stream = hls.get('pb1')!;
    const playlist = await stream.mediaPlaylist(undefined);
    assert.ok(playlist.ok);
    const hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="([^"]+)"/.exec(playlist.body)?.[1];
    assert.ok(hint, playlist.body);

    const unheld = await stream.resource(hint, { hold: false });
    assert.deepEqual(
      { ok: unheld.ok, status: unheld.ok ? 200 : unheld.status },
      { ok: false, status: 503 },
      'not held, and not a 404: the part is coming',
    );

    let settled = false;
    const held = stream.resource(hint).finally(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'held while the part does not exist');
    publishSeconds(live, 2, 5000);
    const answer = await held;
    assert.ok(answer.ok, 'answered with the part once it exists');
    await hls.onModuleDestroy();
  });
});
