export * from './recorder.service.js';
export * from './recordings.module.js';
export * from './recordings.repository.js';
export * from './vod-playlist.js';
export * from './retention-sweeper.js';
