export * from './auth.guard.js';
export * from './auth.module.js';
export * from './auth.service.js';
export * from './cookies.js';
export * from './credentials.repository.js';
export * from './login-rate-limiter.js';
export * from './secrets.js';
