export * from './dto/recordings.dto.js';
export * from './recorder.service.js';
export * from './recordings.controller.js';
export * from './recordings.module.js';
export * from './recordings.repository.js';
export * from './recordings.service.js';
export * from './vod-playlist.js';
export * from './retention-sweeper.js';
