export * from './connection-limiter.js';
export * from './ingest-metrics.js';
export * from './ingest.module.js';
export * from './ingest.service.js';
export * from './publish-target.js';
export * from './rtmp-connection.js';
export * from './rtmp-listener.js';
