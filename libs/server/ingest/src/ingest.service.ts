import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ClusterMembership, type StreamLease, StreamOwnership } from '@rapidrtmp/server-cluster';
import { AppConfig } from '@rapidrtmp/server-config';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import type { EndReason, PublishRefusal, StreamEnding } from '@rapidrtmp/server-domain';
import { StreamKeyAuthorizer } from '@rapidrtmp/server-stream-keys';
import { LiveStream, LiveStreamRegistry, StreamSessionsRepository, type StreamEvent } from '@rapidrtmp/server-streams';
import { isPublishApp, streamKeyFromPublish } from './publish-target.js';
import type { PublishAttempt, PublishGate } from './rtmp-connection.js';

interface HeldLease extends StreamLease {
  acquiredAt: number;
}

/**
 * Decides who goes live and keeps the history: authorizes the key, enforces one publisher per key (on
 * this node, then across the cluster with the key's lease), opens and closes the `stream_sessions` row
 * and registers the LiveStream hub.
 */
@Injectable()
export class IngestService implements PublishGate, OnModuleInit {
  private readonly log: Logger;
  /** Keys whose publish is being set up, so two racing publishers cannot both pass the live check. */
  private readonly opening = new Set<string>();
  /** Session rows still being written, awaited on shutdown. */
  private readonly pendingWrites = new Set<Promise<unknown>>();
  /** Each stream's row updates run one after another, so a later write is never overtaken by an earlier one. */
  private readonly writeChains = new WeakMap<LiveStream, Promise<unknown>>();
  private readonly leases = new WeakMap<LiveStream, HeldLease>();
  private draining = false;

  constructor(
    private readonly config: AppConfig,
    private readonly authorizer: StreamKeyAuthorizer,
    private readonly registry: LiveStreamRegistry,
    private readonly sessions: StreamSessionsRepository,
    private readonly ownership: StreamOwnership,
    private readonly membership: ClusterMembership,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'ingest' });
  }

  /** A stream whose lease this node no longer holds is not this node's to serve: its publisher goes. */
  onModuleInit(): void {
    this.membership.onLeasesLost((held, checkedAt, reason) => {
      for (const stream of this.registry.list()) {
        const lease = this.leases.get(stream);
        if (!lease || lease.acquiredAt >= checkedAt || held.has(lease.streamKeyId)) continue;
        this.log.warn({ streamId: stream.info.id, reason }, 'stream lease lost; disconnecting the publisher');
        this.leases.delete(stream);
        this.ownership.lost();
        stream.publisher.close(reason, null);
      }
    });
  }

  async open(attempt: PublishAttempt): Promise<{ stream: LiveStream } | { refused: PublishRefusal }> {
    if (this.draining) {
      return { refused: { reason: 'draining', description: 'This server is shutting down: publish to another one.' } };
    }
    if (!isPublishApp(attempt.app)) {
      return { refused: { reason: 'bad_key', description: `Unknown application "${attempt.app}".` } };
    }
    const key = streamKeyFromPublish(attempt.streamName, attempt.query);
    if (!key) return { refused: { reason: 'bad_key', description: 'No stream key.' } };
    const decision = await this.authorizer.authorize(key);
    if (!decision.allowed) return { refused: decision.refusal };
    const live = this.registry.byStreamKeyId(decision.streamKeyId);
    if (this.opening.has(decision.streamKeyId) || (live && this.config.rtmp.duplicatePublish === 'reject')) {
      return { refused: { reason: 'already_live', description: 'This stream key is already live.' } };
    }
    this.opening.add(decision.streamKeyId);
    try {
      if (live) {
        live.publisher.close('taken_over', null);
        // The old connection's close is synchronous up to the registry; make sure it is gone.
        if (this.registry.byStreamKeyId(decision.streamKeyId)) this.registry.remove(live);
      }
      const acquiredAt = Date.now();
      const owned = await this.ownership.acquire(
        { streamKeyId: decision.streamKeyId, playbackId: decision.playbackId, signedPlayback: decision.signedPlayback },
        this.config.rtmp.duplicatePublish,
      );
      if ('heldBy' in owned) {
        return { refused: { reason: 'already_live', description: 'This stream key is already live on another node.' } };
      }
      const startedAt = new Date();
      let id: string;
      try {
        id = await this.sessions.open({
          streamKeyId: decision.streamKeyId,
          ownerId: decision.ownerId,
          nodeId: this.config.nodeId,
          startedAt,
        });
      } catch (error) {
        await this.ownership.release(owned.lease).catch(() => undefined);
        throw error;
      }
      const stream = new LiveStream(
        {
          id,
          streamKeyId: decision.streamKeyId,
          keyLabel: decision.label,
          playbackId: decision.playbackId,
          ownerId: decision.ownerId,
          ownerName: decision.ownerName,
          remoteAddress: attempt.remoteAddress,
          startedAt,
          signedPlayback: decision.signedPlayback,
          recordingEnabled: decision.recordingEnabled,
        },
        attempt.publisher,
      );
      this.leases.set(stream, { ...owned.lease, acquiredAt });
      await this.registry.prepare(stream.info);
      stream.subscribe({ name: 'session-recorder', onEvent: (event) => this.recordMedia(stream, event) });
      this.registry.add(stream);
      return { stream };
    } finally {
      this.opening.delete(decision.streamKeyId);
    }
  }

  close(stream: LiveStream, ending: StreamEnding): void {
    stream.end(ending);
    this.registry.remove(stream);
    const endedAt = new Date();
    const seconds = Math.max(0.001, (endedAt.getTime() - stream.info.startedAt.getTime()) / 1000);
    this.track(stream, () =>
      this.sessions.close(stream.info.id, {
        endedAt,
        endReason: ending.reason,
        stoppedBy: ending.stoppedBy,
        bytesIn: stream.stats.bytesIn,
        avgBitrate: Math.round((stream.stats.bytesIn * 8) / seconds),
      }),
    );
    // After the row: a node that takes the key next finds this session ended.
    const lease = this.leases.get(stream);
    this.leases.delete(stream);
    if (lease) this.track(stream, () => this.ownership.release(lease));
    this.log.info({ streamId: stream.info.id, reason: ending.reason, bytesIn: stream.stats.bytesIn }, 'publish ended');
  }

  /**
   * Shutdown, first phase: no new publishes; live ones go on until they end or `deadline` passes, so
   * viewers (here and on other nodes) keep watching while encoders get the chance to move elsewhere.
   */
  async drain(deadline: number): Promise<void> {
    this.draining = true;
    while (this.registry.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(100, Math.max(1, deadline - Date.now()))));
    }
  }

  /** Stops every live stream (shutdown) and waits for their history rows. */
  async stopAll(reason: EndReason): Promise<void> {
    for (const stream of this.registry.list()) stream.publisher.close(reason, null);
    await Promise.allSettled([...this.pendingWrites]);
  }

  /** Codecs and resolution go into the session row once known (and again if they change). */
  private recordMedia(stream: LiveStream, event: StreamEvent): void {
    if (event.type !== 'config') return;
    const video = stream.tracks.video;
    const audio = stream.tracks.audio;
    this.track(stream, () =>
      this.sessions.updateMedia(stream.info.id, {
        videoCodec: video?.codecString ?? null,
        audioCodec: audio?.codecString ?? null,
        width: video?.width || null,
        height: video?.height || null,
      }),
    );
  }

  private track(stream: LiveStream, write: () => Promise<unknown>): void {
    const previous = this.writeChains.get(stream) ?? Promise.resolve();
    const tracked = previous
      .then(write)
      .catch((error: unknown) => this.log.error({ err: error }, 'stream session write failed'));
    this.writeChains.set(stream, tracked);
    this.pendingWrites.add(tracked);
    void tracked.finally(() => this.pendingWrites.delete(tracked));
  }
}
