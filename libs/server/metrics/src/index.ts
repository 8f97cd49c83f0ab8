export * from './metrics.module.js';
export * from './metrics-registry.js';
