export * from './admin-bootstrap.service.js';
export * from './password-hasher.js';
export * from './users.module.js';
export * from './users.repository.js';
