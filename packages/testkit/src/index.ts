export { waitFor } from './wait.js';
export { requireServices, testServices, createTestDatabase, uniqueId } from './services.js';
export type { TestServices } from './services.js';
export { runCli, startApp, waitUntilReady, repoRoot } from './processes.js';
export type { AppProcess, CliRun } from './processes.js';
export { freePort } from './ports.js';
export { startStack } from './stack.js';
export type { TestStack } from './stack.js';
