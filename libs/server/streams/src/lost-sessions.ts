import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ClusterMembership } from '@rapidrtmp/server-cluster';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { type EndedSession, StreamSessionsRepository } from './stream-sessions.repository.js';

export type SessionsLostListener = (nodeId: string, sessions: EndedSession[]) => Promise<void> | void;

/**
 * The history side of a node loss: the lost node's open sessions end as `node_lost`, once (the node that
 * claimed the loss does it), and listeners (webhooks) learn which sessions ended.
 */
@Injectable()
export class LostSessions implements OnModuleInit {
  private readonly log: Logger;
  private readonly listeners = new Set<SessionsLostListener>();

  constructor(
    private readonly membership: ClusterMembership,
    private readonly sessions: StreamSessionsRepository,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'streams' });
  }

  onSessionsLost(listener: SessionsLostListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onModuleInit(): void {
    this.membership.onNodeLost(async ({ nodeId }) => {
      const ended = await this.sessions.endSessionsOfLostNode(nodeId);
      if (ended.length === 0) return;
      this.log.warn({ lostNode: nodeId, sessions: ended.length }, 'ended the sessions of a lost node (node_lost)');
      for (const listener of this.listeners) await listener(nodeId, ended);
    });
  }
}
