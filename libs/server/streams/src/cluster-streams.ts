import { Inject, Injectable } from '@nestjs/common';
import { ClusterMembership, getPeerJson, PeerClient } from '@rapidrtmp/server-cluster';
import { AppConfig } from '@rapidrtmp/server-config';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { LivePlayback } from '@rapidrtmp/server-stream-keys';
import type { LiveStreamDetailDto, LiveStreamDto } from './dto/streams.dto.js';
import { type SessionRecord, StreamSessionsRepository } from './stream-sessions.repository.js';

/** Node-to-node requests for the API are answered from memory; a slow node must not hold a listing. */
const PEER_TIMEOUT_MS = 1500;

/**
 * Live streams published on other nodes, for the API of this one: each node's own list (with its live
 * stats) from its internal route, or, when a node does not answer, what the database knows of it.
 */
@Injectable()
export class ClusterStreams {
  private readonly log: Logger;
  private readonly client: PeerClient;

  constructor(
    private readonly config: AppConfig,
    private readonly membership: ClusterMembership,
    private readonly sessions: StreamSessionsRepository,
    private readonly playback: LivePlayback,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'streams' });
    this.client = new PeerClient(config.cluster.secret);
  }

  /** Every other node's live streams. */
  async live(): Promise<LiveStreamDto[]> {
    const open = await this.sessions.openElsewhere(this.config.nodeId);
    if (open.length === 0) return [];
    const nodes = new Map((await this.membership.nodes()).map((node) => [node.nodeId, node.url]));
    const byNode = new Map<string, SessionRecord[]>();
    for (const session of open) byNode.set(session.nodeId, [...(byNode.get(session.nodeId) ?? []), session]);
    const lists = await Promise.all(
      [...byNode].map(async ([nodeId, sessions]) => {
        const url = nodes.get(nodeId);
        if (url) {
          try {
            return await getPeerJson<LiveStreamDto[]>(this.client, `${url}/internal/v1/streams/live`, PEER_TIMEOUT_MS);
          } catch (error) {
            this.log.warn({ err: error, node: nodeId }, 'a node did not list its live streams');
          }
        }
        return sessions.map((session) => this.fromRecord(session));
      }),
    );
    return lists.flat();
  }

  /** A stream live on another node, with its ingest timeline; undefined when no node has it. */
  async detail(id: string): Promise<LiveStreamDetailDto | undefined> {
    const session = await this.sessions.findRecord(id);
    if (!session || session.endedAt || session.nodeId === this.config.nodeId) return undefined;
    const node = (await this.membership.nodes()).find((n) => n.nodeId === session.nodeId);
    if (node?.url) {
      try {
        return await getPeerJson<LiveStreamDetailDto>(
          this.client,
          `${node.url}/internal/v1/streams/${id}`,
          PEER_TIMEOUT_MS,
        );
      } catch (error) {
        this.log.warn({ err: error, node: session.nodeId }, 'a node did not describe its live stream');
      }
    }
    return { ...this.fromRecord(session), timeline: [], pushTargets: [] };
  }

  /** An open session on another node, as the database knows it (for stop requests). */
  async openSession(id: string): Promise<SessionRecord | undefined> {
    const session = await this.sessions.findRecord(id);
    return session && !session.endedAt && session.nodeId !== this.config.nodeId ? session : undefined;
  }

  /** What the database knows of a stream live on a node that did not answer (no live stats). */
  private fromRecord(session: SessionRecord): LiveStreamDto {
    const playbackId = session.playbackId ?? '';
    return {
      id: session.id,
      nodeId: session.nodeId,
      playbackId,
      streamKeyId: session.streamKeyId ?? '',
      keyLabel: session.keyLabel ?? '',
      ownerId: session.ownerId ?? '',
      ownerName: session.ownerName ?? '',
      startedAt: session.startedAt,
      durationSeconds: Math.round((Date.now() - session.startedAt.getTime()) / 100) / 10,
      ingestBitrate: 0,
      fps: 0,
      droppedFrames: 0,
      viewers: 0,
      bytesIn: session.bytesIn,
      playbackUrl: this.playback.url(playbackId),
      signedPlayback: false,
    };
  }
}
