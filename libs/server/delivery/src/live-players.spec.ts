import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PEER_SECRET_HEADER, type StreamOwnership } from '@rapidrtmp/server-cluster';
import { loadConfig } from '@rapidrtmp/server-config';
import { createLogger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { LiveStreamRegistry } from '@rapidrtmp/server-streams';
import { makeLiveStream } from '@rapidrtmp/server-streams/testing';
import { EdgeLiveStreams } from './edge-live-streams.js';
import type { FlvTagKind, PlayerTransport } from './live-player.js';
import { LivePlayers } from './live-players.js';
import { PlaybackSigner } from './playback-signer.js';

const SECRET = 'a playback signing secret of 32+ chars';

/** A transport that takes everything: admission and counting are what is tested here. */
function sink(): PlayerTransport & { closed: boolean; tags: Array<{ kind: FlvTagKind; first: number }> } {
  const tags: Array<{ kind: FlvTagKind; first: number }> = [];
  return {
    closed: false,
    tags,
    begin: () => undefined,
    tag: (kind, _timestamp, body) => tags.push({ kind, first: body[0]?.[0] ?? -1 }),
    bufferedBytes: 0,
    full: false,
    onDrain: () => undefined,
    close() {
      this.closed = true;
    },
  };
}

function setup(env: Record<string, string> = {}, holder?: string, holderUrl = 'http://127.0.0.1:9') {
  const config = loadConfig({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'rr-players-')),
    PLAYBACK_SIGNING_SECRET: SECRET,
    NODE_ID: 'here',
    ...env,
  });
  const registry = new LiveStreamRegistry();
  const signer = new PlaybackSigner(config);
  const ownership = {
    holderOf: () => Promise.resolve(holder ? { nodeId: holder, url: holderUrl, signedPlayback: false } : undefined),
  } as unknown as StreamOwnership;
  const log = createLogger('silent');
  const edge = new EdgeLiveStreams(config, log, ownership);
  const players = new LivePlayers(config, registry, signer, new MetricsRegistry(), log, edge);
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

  it('plays a stream another node holds through one relay of its HTTP-FLV, asked for as a peer', async (t) => {
    const clip = readFileSync(new URL('../../../media/flv/fixtures/h264-baseline-aac48k.flv', import.meta.url));
    const requests: Array<string | undefined> = [];
    const open: ServerResponse[] = [];
    const owner = createServer((req, res) => {
      requests.push(req.headers[PEER_SECRET_HEADER] as string | undefined);
      res.writeHead(200, { 'content-type': 'video/x-flv' });
      res.write(clip); // then stays open, as a live stream does
      open.push(res);
    });
    await new Promise<void>((resolve) => owner.listen(0, '127.0.0.1', resolve));
    t.after(() => owner.close());
    const url = `http://127.0.0.1:${(owner.address() as AddressInfo).port}`;
    const secret = 'a cluster secret of at least 32 characters';
    const { players } = setup({ CLUSTER_SECRET: secret }, 'node-b', url);
    const transports = [sink(), sink()];
    for (const transport of transports) {
      const answer = await players.admit({ playbackId: 'elsewhere', token: undefined, protocol: 'http_flv' });
      assert.ok(answer.admitted, JSON.stringify(answer));
      answer.start(transport);
    }
    assert.deepEqual(requests, [secret], 'one pull for both players, authenticated as a peer');
    for (const transport of transports) {
      const firstVideo = transport.tags.find((tag) => tag.kind === 'video');
      assert.equal(transport.tags[0]?.kind, 'data', 'onMetaData first');
      assert.equal(firstVideo?.first, 0x17, 'then the AVC sequence header (a keyframe tag)');
      assert.ok(transport.tags.length > 20, `${transport.tags.length} tags from the latest keyframe on`);
    }
    const peer = await players.admit({ playbackId: 'elsewhere', token: undefined, protocol: 'http_flv', peer: true });
    assert.ok(!peer.admitted && peer.status === 404, 'a peer is never relayed on');
    for (const res of open) res.end(); // the stream ended on its node
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(
      transports.map((transport) => transport.closed),
      [true, true],
    );
    assert.equal(players.size, 0);
  });

  it('answers 503 when the node holding the stream cannot be reached', async () => {
    const { players } = setup({}, 'node-b', 'http://127.0.0.1:9');
    const answer = await players.admit({ playbackId: 'elsewhere', token: undefined, protocol: 'rtmp' });
    assert.ok(!answer.admitted && answer.status === 503 && answer.reason === 'other_node', JSON.stringify(answer));
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
