export * from './test-database.js';
export * from './embedded-test-database.js';
export * from './legacy-pglite.js';
export * from './recording-audit-log.js';
