export * from './fake-gcs-server.js';
