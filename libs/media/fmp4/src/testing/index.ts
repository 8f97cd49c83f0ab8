// Test-only entry (`@rapidrtmp/fmp4/testing`): independent MP4 reading with mp4box.js and real-clip
// loading for specs in this and dependent packages. Production code never imports it.
export * from './mp4-inspect.js';
export * from './clip.js';
export * from './codec-configs.js';
