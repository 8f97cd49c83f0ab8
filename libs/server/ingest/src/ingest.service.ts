import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@rapidrtmp/server-config';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import type { EndReason } from '@rapidrtmp/server-persistence';
import { StreamKeyAuthorizer, type PublishDenial } from '@rapidrtmp/server-stream-keys';
import { LiveStream, LiveStreamRegistry, StreamSessionsRepository, type StreamEvent } from '@rapidrtmp/server-streams';
import type { RejectReason } from './ingest-metrics.js';
import { isPublishApp, streamKeyFromPublish } from './publish-target.js';
import type { PublishAttempt, PublishGate } from './rtmp-connection.js';

const DENIAL_REASONS: Record<PublishDenial, RejectReason> = {
  malformed: 'bad_key',
  unknown: 'bad_key',
  revoked: 'key_revoked',
  banned: 'key_banned',
  owner_disabled: 'owner_disabled',
};

/**
 * Decides who goes live and keeps the history: authorizes the key, enforces one publisher per key,
 * opens and closes the `stream_sessions` row and registers the LiveStream hub.
 */
@Injectable()
export class IngestService implements PublishGate, OnApplicationBootstrap {
  private readonly log: Logger;
  /** Keys whose publish is being set up, so two racing publishers cannot both pass the live check. */
  private readonly opening = new Set<string>();
  /** Session rows still being written, awaited on shutdown. */
  private readonly pendingWrites = new Set<Promise<unknown>>();
  /** Each stream's row updates run one after another, so a later write is never overtaken by an earlier one. */
  private readonly writeChains = new WeakMap<LiveStream, Promise<unknown>>();

  constructor(
    private readonly config: AppConfig,
    private readonly authorizer: StreamKeyAuthorizer,
    private readonly registry: LiveStreamRegistry,
    private readonly sessions: StreamSessionsRepository,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'ingest' });
  }

  /** Sessions a crashed run of this node left open are closed as `node_lost`. */
  async onApplicationBootstrap(): Promise<void> {
    const closed = await this.sessions.closeOrphans(this.config.nodeId, new Date());
    if (closed > 0) this.log.warn({ closed }, 'closed stream sessions left open by a previous run');
  }

  async open(
    attempt: PublishAttempt,
  ): Promise<{ stream: LiveStream } | { refused: RejectReason; description: string }> {
    if (!isPublishApp(attempt.app)) return { refused: 'bad_key', description: `Unknown application "${attempt.app}".` };
    const key = streamKeyFromPublish(attempt.streamName, attempt.query);
    if (!key) return { refused: 'bad_key', description: 'No stream key.' };
    const decision = await this.authorizer.authorize(key);
    if (!decision.allowed) {
      const description =
        decision.reason === 'banned'
          ? `Stream key banned until ${decision.bannedUntil?.toISOString()}${decision.banReason ? `: ${decision.banReason}` : ''}.`
          : decision.reason === 'revoked'
            ? 'Stream key revoked.'
            : decision.reason === 'owner_disabled'
              ? 'Account disabled.'
              : 'Invalid stream key.';
      if (decision.reason === 'banned') this.log.warn({ banReason: decision.banReason }, 'banned stream key refused');
      return { refused: DENIAL_REASONS[decision.reason], description };
    }
    const live = this.registry.byStreamKeyId(decision.streamKeyId);
    if (this.opening.has(decision.streamKeyId) || (live && this.config.rtmp.duplicatePublish === 'reject')) {
      return { refused: 'already_live', description: 'This stream key is already live.' };
    }
    this.opening.add(decision.streamKeyId);
    try {
      if (live) {
        live.requestStop('taken_over', null);
        // The old connection's close is synchronous up to the registry; make sure it is gone.
        if (this.registry.byStreamKeyId(decision.streamKeyId)) this.registry.remove(live);
      }
      const startedAt = new Date();
      const id = await this.sessions.open({
        streamKeyId: decision.streamKeyId,
        ownerId: decision.ownerId,
        nodeId: this.config.nodeId,
        startedAt,
      });
      const stream = new LiveStream({
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
      });
      stream.onStopRequest(attempt.stop);
      stream.subscribe({ name: 'session-recorder', onEvent: (event) => this.recordMedia(stream, event) });
      this.registry.add(stream);
      return { stream };
    } finally {
      this.opening.delete(decision.streamKeyId);
    }
  }

  close(stream: LiveStream, reason: EndReason, stoppedBy: string | null, gracefully: boolean): void {
    stream.stoppedBy = stoppedBy;
    stream.end(reason, gracefully);
    this.registry.remove(stream);
    const endedAt = new Date();
    const seconds = Math.max(0.001, (endedAt.getTime() - stream.info.startedAt.getTime()) / 1000);
    this.track(stream, () =>
      this.sessions.close(stream.info.id, {
        endedAt,
        endReason: reason,
        stoppedBy,
        bytesIn: stream.stats.bytesIn,
        avgBitrate: Math.round((stream.stats.bytesIn * 8) / seconds),
      }),
    );
    this.log.info({ streamId: stream.info.id, reason, bytesIn: stream.stats.bytesIn }, 'publish ended');
  }

  /** Stops every live stream (shutdown) and waits for their history rows. */
  async stopAll(reason: EndReason): Promise<void> {
    for (const stream of this.registry.list()) stream.requestStop(reason, null);
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
