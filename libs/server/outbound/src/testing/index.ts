export * from './table-resolver.js';
