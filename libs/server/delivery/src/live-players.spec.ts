import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { StreamOwnership } from '@rapidrtmp/server-cluster';
import { loadConfig } from '@rapidrtmp/server-config';
import { createLogger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { LiveStreamRegistry } from '@rapidrtmp/server-streams';
import { makeLiveStream } from '@rapidrtmp/server-streams/testing';
import type { PlayerTransport } from './live-player.js';
import { LivePlayers } from './live-players.js';
import { PlaybackSigner } from './playback-signer.js';

const SECRET = 'a playback signing secret of 32+ chars';

/** A transport that takes everything: admission and counting are what is tested here. */
function sink(): PlayerTransport & { closed: boolean } {
  return {
    closed: false,
    begin: () => undefined,
    tag: () => 0,
    bufferedBytes: 0,
    full: false,
    onDrain: () => undefined,
    close() {
      this.closed = true;
    },
  };
}

function setup(env: Record<string, string> = {}, holder?: string) {
  const config = loadConfig({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'rr-players-')),
    PLAYBACK_SIGNING_SECRET: SECRET,
    NODE_ID: 'here',
    ...env,
  });
  const registry = new LiveStreamRegistry();
  const signer = new PlaybackSigner(config);
  const ownership = {
    holderOf: () =>
      Promise.resolve(holder ? { nodeId: holder, url: 'http://10.0.0.2:8080', signedPlayback: false } : undefined),
  } as unknown as StreamOwnership;
  const players = new LivePlayers(config, registry, signer, new MetricsRegistry(), createLogger('silent'), ownership);
  return { registry, signer, players };
}

describe('LivePlayers', () => {
  it('admits by playback id only: a stream key, an unknown id or a malformed name is not found', async () => {
    const { registry, players } = setup();
    const stream = makeLiveStream({ playbackId: 'abc123' });
    registry.add(stream);
    const admit = (playbackId: string) => players.admit({ playbackId, token: undefined, protocol: 'http_flv' });
    assert.equal((await admit('abc123')).admitted, true);
    for (const name of [stream.info.streamKeyId, 'nosuchstream', 'ABC123', '../abc123', '']) {
      const answer = await admit(name);
      assert.ok(!answer.admitted && answer.status === 404 && answer.reason === 'not_found', name);
    }
  });

  it('needs a valid token for signed playback', async () => {
    const { registry, signer, players } = setup();
    registry.add(makeLiveStream({ playbackId: 'signed1', signedPlayback: true }));
    const admit = (token: string | undefined) => players.admit({ playbackId: 'signed1', token, protocol: 'rtmp' });
    for (const token of [undefined, '1.forged', signer.sign('other1', 60).token]) {
      const answer = await admit(token);
      assert.ok(!answer.admitted && answer.status === 403 && answer.reason === 'forbidden', String(token));
    }
    assert.equal((await admit(signer.sign('signed1', 60).token)).admitted, true);
  });

  it('holds the per-stream and node-wide player caps, counts players per stream and frees a slot when one ends', async () => {
    const { registry, players } = setup({ PLAYBACK_MAX_PLAYERS: '3', PLAYBACK_MAX_PLAYERS_PER_STREAM: '2' });
    registry.add(makeLiveStream({ playbackId: 'one' }));
    registry.add(makeLiveStream({ playbackId: 'two' }));
    const play = async (playbackId: string) => {
      const answer = await players.admit({ playbackId, token: undefined, protocol: 'http_flv' });
      return answer.admitted ? answer.start(sink()) : answer;
    };
    const first = await play('one');
    await play('one');
    const thirdOfOne = await play('one');
    assert.ok(!('ended' in thirdOfOne) && thirdOfOne.status === 503 && thirdOfOne.reason === 'stream_player_limit');
    await play('two');
    const overall = await play('two');
    assert.ok(!('ended' in overall) && overall.reason === 'player_limit');
    assert.deepEqual([players.count('one'), players.count('two'), players.size], [2, 1, 3]);
    assert.ok('ended' in first);
    first.stop('client_closed');
    assert.deepEqual([players.count('one'), players.size], [1, 2]);
    assert.ok('ended' in (await play('two')));
  });

  it('says so when the stream is live on another node of the cluster', async () => {
    const { players } = setup({}, 'node-b');
    const answer = await players.admit({ playbackId: 'elsewhere', token: undefined, protocol: 'rtmp' });
    assert.ok(!answer.admitted && answer.status === 404 && answer.reason === 'other_node');
    assert.match(answer.detail, /another node/);
  });

  it('ends every player of a stream when it ends', async () => {
    const { registry, players } = setup();
    const stream = makeLiveStream({ playbackId: 'ending' });
    registry.add(stream);
    const transports = [sink(), sink()];
    for (const transport of transports) {
      const answer = await players.admit({ playbackId: 'ending', token: undefined, protocol: 'rtmp' });
      assert.ok(answer.admitted);
      answer.start(transport);
    }
    stream.end({ reason: 'publisher_disconnect', graceful: true, stoppedBy: null });
    assert.deepEqual(
      transports.map((t) => t.closed),
      [true, true],
    );
    assert.equal(players.size, 0);
  });
});
