export * from './api.module.js';
export * from './streams/stream-control.service.js';
