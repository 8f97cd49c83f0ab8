import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ClusterMembership, type LeasedStream, type StreamLease, StreamOwnership } from '@rapidrtmp/server-cluster';
import { AppConfig } from '@rapidrtmp/server-config';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import type { EndReason, PublishRefusal, StreamEnding } from '@rapidrtmp/server-domain';
import { DatabaseAvailability, DeferredWrites } from '@rapidrtmp/server-persistence';
import { StreamKeyAuthorizer } from '@rapidrtmp/server-stream-keys';
import { LiveStream, LiveStreamRegistry, StreamSessionsRepository, type StreamEvent } from '@rapidrtmp/server-streams';
import { isPublishApp, streamKeyFromPublish } from './publish-target.js';
import type { PublishAttempt, PublishGate } from './rtmp-connection.js';

interface HeldLease extends StreamLease {
  acquiredAt: number;
}

/** How long shutdown waits for history writes still queued (a database outage) before it goes on. */
const SHUTDOWN_WRITES_WAIT_MS = 5000;

/**
 * Decides who goes live and keeps the history: authorizes the key, enforces one publisher per key (on
 * this node, then across the cluster with the key's lease), opens and closes the `stream_sessions` row
 * and registers the LiveStream hub.
 *
 * Nothing here lets a database outage touch a live stream: the session rows go through DeferredWrites (in
 * order per session, queued while the database is unreachable), and a publish during an outage goes live
 * on a key the authorizer saw recently; on a single node its lease is taken when the database is back, in
 * a cluster (NODE_URL set) it is refused, since one publisher per key cannot be guaranteed without it.
 */
@Injectable()
export class IngestService implements PublishGate, OnModuleInit {
  private readonly log: Logger;
  /** Keys whose publish is being set up, so two racing publishers cannot both pass the live check. */
  private readonly opening = new Set<string>();
  private readonly leases = new WeakMap<LiveStream, HeldLease>();
  /** Streams that went live during an outage, whose lease is taken once the database is back. */
  private readonly leasesPending = new WeakSet<LiveStream>();
  private draining = false;

  constructor(
    private readonly config: AppConfig,
    private readonly authorizer: StreamKeyAuthorizer,
    private readonly registry: LiveStreamRegistry,
    private readonly sessions: StreamSessionsRepository,
    private readonly ownership: StreamOwnership,
    private readonly membership: ClusterMembership,
    private readonly writes: DeferredWrites,
    private readonly database: DatabaseAvailability,
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
      const leased = {
        streamKeyId: decision.streamKeyId,
        playbackId: decision.playbackId,
        signedPlayback: decision.signedPlayback,
      };
      const owned = await this.acquireLease(leased);
      if (owned === 'unavailable' && this.config.cluster.nodeUrl !== undefined) {
        return {
          refused: {
            reason: 'database_unavailable',
            description: 'The database is unreachable, so this node cannot claim the stream key: try again shortly.',
          },
        };
      }
      if (owned !== 'unavailable' && 'heldBy' in owned) {
        return { refused: { reason: 'already_live', description: 'This stream key is already live on another node.' } };
      }
      const startedAt = new Date();
      const id = randomUUID();
      const opened = await this.writes.run(id, 'session open', () =>
        this.sessions.open({
          id,
          streamKeyId: decision.streamKeyId,
          ownerId: decision.ownerId,
          nodeId: this.config.nodeId,
          startedAt,
        }),
      );
      if (opened === 'failed') {
        if (owned !== 'unavailable') await this.ownership.release(owned.lease).catch(() => undefined);
        throw new Error('the stream session could not be recorded');
      }
      if (opened === 'deferred') this.log.warn({ streamId: id }, 'publish accepted during a database outage');
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
        Date.now,
        this.config.playback.gopCache,
      );
      if (owned === 'unavailable') this.acquireLeaseLater(stream, leased);
      else this.leases.set(stream, { ...owned.lease, acquiredAt });
      await this.registry.prepare(stream.info);
      stream.subscribe({
        name: 'session-recorder',
        keepsMedia: 'none',
        onEvent: (event) => this.recordMedia(stream, event),
      });
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
    const end = {
      endedAt,
      endReason: ending.reason,
      stoppedBy: ending.stoppedBy,
      bytesIn: stream.stats.bytesIn,
      avgBitrate: Math.round((stream.stats.bytesIn * 8) / seconds),
    };
    void this.writes.run(stream.info.id, 'session close', () => this.sessions.close(stream.info.id, end));
    // Queued after the row: a node that takes the key next finds this session ended.
    const lease = this.leases.get(stream);
    this.leases.delete(stream);
    if (lease) this.releaseLease(stream, lease);
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

  /** Stops every live stream (shutdown) and waits (bounded) for their history rows. */
  async stopAll(reason: EndReason): Promise<void> {
    for (const stream of this.registry.list()) stream.publisher.close(reason, null);
    if (!(await this.writes.settled(SHUTDOWN_WRITES_WAIT_MS))) {
      this.log.error(
        { queued: this.writes.size },
        'shutting down with history writes still queued (database unreachable)',
      );
    }
  }

  /** The key's lease, or 'unavailable' when the database cannot be asked (known down, or the attempt found it so). */
  private async acquireLease(
    leased: LeasedStream,
  ): Promise<{ lease: StreamLease } | { heldBy: string } | 'unavailable'> {
    if (this.database.down) return 'unavailable';
    try {
      return await this.ownership.acquire(leased, this.config.rtmp.duplicatePublish);
    } catch (error) {
      if (this.database.report(error)) return 'unavailable';
      throw error;
    }
  }

  /**
   * A single node that went live during an outage takes the key's lease when the database is back (before
   * the first heartbeat that would miss it); a holder elsewhere by then wins and this stream ends.
   */
  private acquireLeaseLater(stream: LiveStream, leased: LeasedStream): void {
    this.leasesPending.add(stream);
    void this.writes.run(stream.info.id, 'lease acquire', async () => {
      const acquiredAt = Date.now();
      const owned = await this.ownership.acquire(leased, this.config.rtmp.duplicatePublish);
      this.leasesPending.delete(stream);
      if ('heldBy' in owned) {
        this.log.warn({ streamId: stream.info.id, heldBy: owned.heldBy }, 'stream key live elsewhere after the outage');
        stream.publisher.close('taken_over', null);
        return;
      }
      const lease = { ...owned.lease, acquiredAt };
      if (stream.ending) this.releaseLease(stream, lease);
      else this.leases.set(stream, lease);
    });
  }

  private releaseLease(stream: LiveStream, lease: HeldLease): void {
    void this.writes.run(stream.info.id, 'lease release', () => this.ownership.release(lease));
  }

  /** Codecs and resolution go into the session row once known (and again if they change). */
  private recordMedia(stream: LiveStream, event: StreamEvent): void {
    if (event.type !== 'config') return;
    const video = stream.tracks.video;
    const audio = stream.tracks.audio;
    const media = {
      videoCodec: video?.codecString ?? null,
      audioCodec: audio?.codecString ?? null,
      width: video?.width || null,
      height: video?.height || null,
    };
    // Only the latest codecs matter: updates queued during an outage collapse into one.
    void this.writes.run(stream.info.id, 'session media', () => this.sessions.updateMedia(stream.info.id, media), true);
  }
}
