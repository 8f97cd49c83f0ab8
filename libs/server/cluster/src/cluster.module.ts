import { Global, Module } from '@nestjs/common';
import { ClusterControl } from './cluster-control.js';
import { ClusterMembership } from './cluster-membership.js';
import { ClusterRepository } from './cluster.repository.js';
import { PeerGuard } from './peer.guard.js';
import { StreamOwnership } from './stream-ownership.js';

/** Membership, stream ownership and node-to-node control; a single node is a cluster of one. */
@Global()
@Module({
  providers: [ClusterRepository, ClusterControl, ClusterMembership, StreamOwnership, PeerGuard],
  exports: [ClusterControl, ClusterMembership, StreamOwnership, PeerGuard],
})
export class ClusterModule {}
