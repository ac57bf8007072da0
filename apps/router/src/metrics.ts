import { Counter } from '@herald/telemetry';
import type { Registry } from '@herald/telemetry';

/**
 * The router's own instruments. Consumed and produced records, batches, poison records and the
 * lag of its group are in `KafkaMetrics` (from @herald/service).
 */
export interface RouterMetrics {
  /** Events the router emitted, by type: routed, scheduled, failed (no credits, opted out), ... */
  decisions: Counter<'type'>;
}

/** Registers the router's instruments in `registry`. */
export function createRouterMetrics(registry: Registry): RouterMetrics {
  return {
    decisions: new Counter({
      name: 'herald_router_decisions_total',
      help: 'Events the router emitted for accepted messages, by event type',
      labelNames: ['type'],
      registers: [registry],
    }),
  };
}
