export { waitFor } from './wait.js';
export { requireServices, testServices, createTestDatabase, uniqueId } from './services.js';
export type { TestServices } from './services.js';
export { startApp, waitUntilReady, repoRoot } from './processes.js';
export type { AppProcess } from './processes.js';
