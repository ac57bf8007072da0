export { createLogger } from './logger.js';
export type { Logger } from './logger.js';
export { createMetricsRegistry, Counter, Gauge, Histogram, Registry } from './metrics.js';
export { mountOpsRoutes, startOpsServer, listen } from './ops-server.js';
export type { OpsRouteOptions, ReadinessCheck, ReadinessProbe } from './ops-server.js';
export { isDraining, onShutdown, shutdownSequence } from './shutdown.js';
export type { Exit } from './shutdown.js';
export { startTracing, shutdownTracing, otlpTracesUrl, heraldTracer } from './tracing.js';
export type { Tracing, TracingOptions, TraceExporterKind, OtlpEndpointEnv } from './tracing.js';
export {
  contextFromHeaders,
  injectTraceContext,
  startConsumerSpan,
  inConsumerSpan,
  inBatchSpan,
  inClientSpan,
  endSpan,
  failSpan,
  activeTraceFields,
  traceFieldsOf,
  traceFieldsOfHeaders,
  traceparentOf,
  activeTraceparent,
} from './trace-context.js';
export type { ConsumedRecord, RecordHeaders, TraceFields } from './trace-context.js';
export { httpTracing } from './http-tracing.js';
export type { HttpTracingOptions } from './http-tracing.js';
export type { Context as TraceContext } from '@opentelemetry/api';
export { SpanKind, SpanStatusCode } from '@opentelemetry/api';
export type { Span } from '@opentelemetry/api';
