export * from './health.module.js';
export * from './readiness-checks.js';
