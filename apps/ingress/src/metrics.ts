import { Counter, Histogram } from '@herald/telemetry';
import type { Registry } from '@herald/telemetry';

/**
 * The ingress's own instruments. Produced records, group-commit batches and the rest of the Kafka
 * layer are in `KafkaMetrics` (from @herald/service); these are the HTTP API's.
 */
export interface IngressMetrics {
  /** Requests by method, route pattern (never the raw path) and status. */
  requests: Counter<'method' | 'route' | 'status'>;
  /** Latency by method and route pattern, status excluded to keep the series few. */
  duration: Histogram<'method' | 'route'>;
}

/** Registers the ingress's instruments in `registry`. */
export function createIngressMetrics(registry: Registry): IngressMetrics {
  return {
    requests: new Counter({
      name: 'herald_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'herald_http_request_duration_seconds',
      help: 'HTTP request latency, from the first middleware to the response, by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
