import { DiagLogLevel, context, diag, propagation, trace } from '@opentelemetry/api';
import type { DiagLogger, Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Logger } from 'pino';

/** Where finished spans go: nowhere (spans still exist, for log correlation), or OTLP over HTTP. */
export type TraceExporterKind = 'none' | 'otlp';

/** The environment variables that say where OTLP traces go (the OpenTelemetry standard ones). */
export interface OtlpEndpointEnv {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined;
}

/** Options of `startTracing`. */
export interface TracingOptions {
  /** The app (`ingress`, `router`...): the resource's service.name is `herald-<service>`. */
  service: string;
  exporter: TraceExporterKind;
  /** Standard OTLP variables; resolved as the OpenTelemetry specification says. */
  endpoints?: OtlpEndpointEnv;
  /** service.instance.id, so spans of two replicas of an app are told apart. */
  instanceId?: string;
  /** Processors besides the exporter's (tests pass a SimpleSpanProcessor over an InMemorySpanExporter). */
  spanProcessors?: SpanProcessor[];
  /** Where OpenTelemetry's own warnings (a collector that refuses spans) are logged. */
  log?: Logger;
}

/** The running tracer provider of the process. */
export interface Tracing {
  /** The OTLP URL spans are exported to; null when nothing is exported. */
  endpoint: string | null;
  /** Exports the spans still buffered and unregisters the provider. */
  shutdown(): Promise<void>;
}

const TRACER_NAME = 'herald';
const DEFAULT_OTLP_BASE = 'http://localhost:4318';
/**
 * A projector batch span links to every record it applied; the SDK's default of 128 links would
 * drop most of a large batch's.
 */
const MAX_LINKS = 2000;

let running: Tracing | null = null;
let activeTracer: Tracer = trace.getTracer(TRACER_NAME);

/** The tracer Herald's spans come from: the started provider's, or a no-op one before start. */
export function heraldTracer(): Tracer {
  return activeTracer;
}

/**
 * The OTLP/HTTP traces URL: the traces variable as given, else the general one with `/v1/traces`
 * appended, else the collector's default on localhost (as the OpenTelemetry specification says).
 */
export function otlpTracesUrl(env: OtlpEndpointEnv): string {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT || DEFAULT_OTLP_BASE;
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Registers the process's tracer provider: AsyncLocalStorage context, W3C trace-context
 * propagation, and every span recorded and sampled, exported or not, so that each log line about a
 * message can carry a real trace id. With the `otlp` exporter, spans leave in batches.
 */
export function startTracing(options: TracingOptions): Tracing {
  if (running !== null) throw new Error('tracing is already started in this process');
  if (options.log) diag.setLogger(diagLogger(options.log), DiagLogLevel.WARN);
  const endpoint = options.exporter === 'otlp' ? otlpTracesUrl(options.endpoints ?? {}) : null;
  const spanProcessors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (endpoint !== null)
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: endpoint })));
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: `herald-${options.service}`,
      // Incubating attribute names, spelt out rather than imported from the incubating entry point.
      'service.namespace': 'herald',
      ...(options.instanceId ? { 'service.instance.id': options.instanceId } : {}),
    }),
    sampler: new AlwaysOnSampler(),
    spanLimits: { linkCountLimit: MAX_LINKS },
    spanProcessors,
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  activeTracer = provider.getTracer(TRACER_NAME);
  const tracing: Tracing = {
    endpoint,
    shutdown: async () => {
      if (running !== tracing) return;
      running = null;
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        propagation.disable();
        context.disable();
        diag.disable();
        activeTracer = trace.getTracer(TRACER_NAME);
      }
    },
  };
  running = tracing;
  return tracing;
}

/**
 * Flushes and stops the process's tracing, if started, within `timeoutMs`: a collector that does
 * not answer must not hold a shutdown past its deadline. Resolves false when time ran out.
 */
export async function shutdownTracing(timeoutMs = 5000): Promise<boolean> {
  const tracing = running;
  if (tracing === null) return true;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([tracing.shutdown().then(() => true as const), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** OpenTelemetry's diagnostics (export failures mostly) as warnings of the app's logger. */
function diagLogger(log: Logger): DiagLogger {
  const child = log.child({ component: 'opentelemetry' });
  const write =
    (level: 'warn' | 'info' | 'debug' | 'trace') =>
    (message: string, ...args: unknown[]) =>
      child[level]({ details: args.map(String) }, message);
  return {
    error: write('warn'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    verbose: write('trace'),
  };
}
