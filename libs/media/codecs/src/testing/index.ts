// Test helpers shared with sibling packages' specs (`@rapidrtmp/codecs/testing`); not for production code.
export * from './bit-writer.js';
export * from './fuzz.js';
