export * from './web.module.js';
export type { WebOptions } from './web-options.js';
export { RESERVED_SEGMENTS, DEFAULT_DASHBOARD_DIR } from './dashboard-files.js';
