export * from './cors.js';
