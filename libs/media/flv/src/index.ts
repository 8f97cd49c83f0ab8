export * from './enhanced-rtmp.js';
export * from './video-tag.js';
export * from './audio-tag.js';
export * from './flv-demuxer.js';
export * from './flv-file-reader.js';
export * from './flv-muxer.js';
export * from './flv-timeline.js';
export * from './script-tag.js';
