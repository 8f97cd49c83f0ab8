export * from './cluster-control.js';
export * from './cluster-membership.js';
export * from './cluster.module.js';
export * from './cluster.repository.js';
export * from './stream-ownership.js';
export * from './peer-client.js';
export * from './peer-request.js';
export * from './peer.guard.js';
