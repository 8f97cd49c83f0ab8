export * from './ffmpeg-publisher.js';
export * from './metrics.js';
export * from './paths.js';
export * from './ports.js';
export * from './seed.js';
export * from './server-process.js';
export * from './test-clip.js';
export * from './wait-for.js';
