export * from './harness.js';
export * from './rtmp-stream.js';
