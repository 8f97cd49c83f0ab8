export * from './create-logger.js';
export * from './pino-nest-logger.js';
export * from './logging.module.js';
export type { Logger } from 'pino';
export * from './lazy-child-logger.js';
