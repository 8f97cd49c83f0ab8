export * from './byte-range.js';
export * from './delivery-metrics.js';
export * from './delivery.module.js';
export * from './hls-routes.js';
export * from './hls-stream.js';
export * from './hls.service.js';
export * from './viewer-tracker.js';
