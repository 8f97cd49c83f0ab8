export * from './media-packet.js';
export * from './codec-config.js';
export * from './media-error.js';
export * from './byte-reader.js';
export * from './timestamp-extender.js';
export * from './media-arena.js';
