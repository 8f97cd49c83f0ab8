export * from './cors.js';
export * from './connection-limit.js';
export * from './security-headers.js';
export * from './fast-lane.js';
export * from './client-address.js';
