export * from './end-reason.js';
export * from './publish-refusal.js';
export * from './publisher.js';
