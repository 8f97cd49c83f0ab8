export * from './entities/index.js';
export * from './migrations/index.js';
export * from './data-source-options.js';
export * from './persistence.module.js';
export * from './audit-log.js';
export * from './keyset-cursor.js';
export * from './legacy-pglite-import.js';
export * from './query-rows.js';
