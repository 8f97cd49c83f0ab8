export * from './decorators.js';
export * from './principal.js';
export * from './scopes.js';
