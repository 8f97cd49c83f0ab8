export * from './eventually.js';
export * from './fake-gcs-server.js';
