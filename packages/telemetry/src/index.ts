export { createLogger } from './logger.js';
export type { Logger } from './logger.js';
export { createMetricsRegistry, Counter, Gauge, Histogram, Registry } from './metrics.js';
export { mountOpsRoutes, startOpsServer, listen } from './ops-server.js';
export type { ReadinessCheck, ReadinessProbe } from './ops-server.js';
export { onShutdown } from './shutdown.js';
