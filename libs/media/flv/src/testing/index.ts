// Test helpers for specs in this and other packages (`@rapidrtmp/flv/testing`); not for production code.
export * from './tag-builders.js';
