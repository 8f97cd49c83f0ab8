export * from './entities/index.js';
export * from './migrations/index.js';
export * from './data-source-options.js';
export * from './persistence.module.js';
export * from './audit-log.js';
export * from './keyset-cursor.js';
