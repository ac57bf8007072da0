export * from './stream.js';
export * from './harness.js';
