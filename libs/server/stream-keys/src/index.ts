export * from './stream-key-authorizer.js';
export * from './stream-key-secrets.js';
export * from './stream-keys.module.js';
export * from './stream-keys.repository.js';
export * from './stream-keys.service.js';
