export * from './live-stream.js';
export * from './live-stream-registry.js';
export * from './stream-event.js';
export * from './stream-sessions.repository.js';
export * from './stream-stats.js';
export * from './streams.module.js';
