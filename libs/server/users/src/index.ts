export * from './admin-bootstrap.service.js';
export * from './dto/users.dto.js';
export * from './password-hasher.js';
export * from './user-effects.js';
export * from './users.controller.js';
export * from './users.module.js';
export * from './users.repository.js';
export * from './users.service.js';
