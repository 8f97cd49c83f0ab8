export * from './cors.js';
export * from './connection-limit.js';
export * from './security-headers.js';
