export * from './metrics.module.js';
export * from './metrics-registry.js';
export * from './counts-exporter.js';
export * from './bound-labels.js';
export * from './overload-detector.js';
export * from './metrics-access.js';
export * from './hot-metrics.js';
