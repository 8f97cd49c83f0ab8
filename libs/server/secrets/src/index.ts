export * from './secret-box.js';
export * from './secrets-key.js';
export * from './secrets.module.js';
