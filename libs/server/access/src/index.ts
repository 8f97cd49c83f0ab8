export * from './decorators.js';
export * from './principal.js';
export * from './roles.js';
export * from './scopes.js';
