import pg from 'pg';
import { BatchingProducer, SchemaCatalog, createKafka } from '@herald/kafka';
import { createLogger, createMetricsRegistry } from '@herald/telemetry';
import type { Registry } from '@herald/telemetry';
import { createIngressApp } from '../../src/app.js';

/**
 * The real ingress app wired to clients that never connect (nothing listens on port 1): enough
 * for routes that touch no infrastructure, such as /openapi.json and /docs.
 */
export function offlineIngressApp(metrics: Registry = createMetricsRegistry('test')) {
  const log = createLogger('test', 'silent');
  const kafka = createKafka({ brokers: ['127.0.0.1:1'], clientId: 'offline-test', log });
  return createIngressApp({
    pool: new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' }),
    producer: new BatchingProducer(kafka.producer(), { maxBatchRecords: 1, lingerMs: 0 }),
    catalog: new SchemaCatalog('http://127.0.0.1:1'),
    topics: { requested: 'requested', events: 'events' },
    providers: [],
    publicUrl: 'http://127.0.0.1:8080',
    maxBodyBytes: 1024,
    log,
    metrics,
    ready: async () => [],
  });
}
