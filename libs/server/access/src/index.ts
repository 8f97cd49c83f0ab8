export * from './access.module.js';
export * from './decorators.js';
export * from './dto/roles.dto.js';
export * from './principal.js';
export * from './roles.controller.js';
export * from './roles.js';
export * from './scopes.js';
