import type { PriceTable } from '@herald/domain';
import type { BatchingProducer, SchemaCatalog } from '@herald/kafka';
import type { Pool } from '@herald/store';
import type { Logger } from '@herald/telemetry';
import type { IdempotencyVariables } from './idempotency.js';
import type { IngressLookups } from './lookups.js';

/** What the message API routes need from the process. */
export interface IngressContext {
  pool: Pool;
  /** Key, opt-out and balance reads, merged across concurrent requests. */
  lookups: IngressLookups;
  producer: BatchingProducer;
  catalog: SchemaCatalog;
  topics: { requested: string };
  prices: PriceTable;
  clock: () => number;
  log: Logger;
  /** How long `POST /v1/messages/:id/cancel` waits for the router's answer. */
  cancelWaitMs: number;
}

/** Hono environment of the message API routes. */
export type ApiEnv = { Variables: { tenantId: string; requestId: string } & IdempotencyVariables };
