export * from './app-config.js';
export * from './config-schema.js';
export * from './config.module.js';
export { trustedProxyMatcher } from './trust-proxy.js';
