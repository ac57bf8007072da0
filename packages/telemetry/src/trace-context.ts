import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  isSpanContextValid,
  propagation,
  trace,
} from '@opentelemetry/api';
import type { Attributes, Context, Link, Span, SpanContext, TextMapGetter } from '@opentelemetry/api';
import { heraldTracer } from './tracing.js';

/** Kafka record headers as KafkaJS types them (consumed ones hold Buffers). */
export type RecordHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/** A consumed record as a span describes it; Herald's decoded records have this shape. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  headers: RecordHeaders;
  /** The Herald event, when decoded: its ids become span attributes. */
  event?: { type: string; eventId: string; messageId: string; tenantId: string };
}

/** The trace ids a log line carries (OpenTelemetry's names for them in logs). */
export interface TraceFields {
  trace_id?: string;
  span_id?: string;
}

const recordHeadersGetter: TextMapGetter<RecordHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.map(String) : value.toString();
  },
};

/**
 * The trace context carried by Kafka headers (or any string map): the root context when there is
 * none or its `traceparent` is invalid, so work under it starts a new trace.
 */
export function contextFromHeaders(headers: RecordHeaders): Context {
  return propagation.extract(ROOT_CONTEXT, headers, recordHeadersGetter);
}

/**
 * Writes the trace context of `ctx` (the active one by default) into `headers` as `traceparent`
 * (and `tracestate`); writes nothing when there is no valid span or tracing is not started.
 */
export function injectTraceContext(headers: Record<string, unknown>, ctx: Context = context.active()): void {
  propagation.inject(ctx, headers);
}

/**
 * Starts the CONSUMER span of one record, continued from the trace context in its headers, and
 * returns the context holding it: run the record's work in it, then `endSpan` it. `startTime`
 * (epoch milliseconds) backdates it to when the record's batch arrived.
 */
export function startConsumerSpan(record: ConsumedRecord, group: string, startTime?: number): Context {
  const parent = contextFromHeaders(record.headers);
  return trace.setSpan(parent, consumerSpan(record, group, parent, startTime));
}

/** Runs `work` in the CONSUMER span of one record (see `startConsumerSpan`); ends it when settled. */
export function inConsumerSpan<T>(
  record: ConsumedRecord,
  group: string,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = contextFromHeaders(record.headers);
  const span = consumerSpan(record, group, parent);
  return context.with(trace.setSpan(parent, span), settleSpan<T>, undefined, span, work);
}

function consumerSpan(record: ConsumedRecord, group: string, parent: Context, startTime?: number): Span {
  return heraldTracer().startSpan(
    `process ${record.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': record.topic,
        'messaging.destination.partition.id': String(record.partition),
        'messaging.consumer.group.name': group,
        'messaging.kafka.offset': Number(record.offset),
        ...(record.event && {
          'messaging.message.id': record.event.eventId,
          'herald.event_type': record.event.type,
          'herald.message_id': record.event.messageId,
          'herald.tenant_id': record.event.tenantId,
        }),
      },
      ...(startTime === undefined ? {} : { startTime }),
    },
    parent,
  );
}

/**
 * Runs `work` in one span for a batch of records, linked to each record's own trace context: a
 * batch serves many traces at once, so it belongs to none of them.
 */
export function inBatchSpan<T>(
  name: string,
  records: readonly ConsumedRecord[],
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const links: Link[] = [];
  for (const record of records) {
    const linked = trace.getSpanContext(contextFromHeaders(record.headers));
    if (linked !== undefined && isSpanContextValid(linked)) links.push({ context: linked });
  }
  const span = heraldTracer().startSpan(
    name,
    {
      kind: SpanKind.CONSUMER,
      attributes: { ...attributes, 'messaging.batch.message_count': records.length },
      links,
    },
    ROOT_CONTEXT,
  );
  return context.with(trace.setSpan(ROOT_CONTEXT, span), settleSpan<T>, undefined, span, work);
}

/**
 * Runs `work` in a CLIENT span (an outbound call), child of `parent` (the active context by
 * default); ends it when settled.
 */
export function inClientSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  parent: Context = context.active(),
): Promise<T> {
  const span = heraldTracer().startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
  return context.with(trace.setSpan(parent, span), settleSpan<T>, undefined, span, work);
}

/**
 * The W3C `traceparent` of the span held by `ctx`, for work resumed later from a stored row; null
 * without a valid span. Without tracing, a record's span is its parent's, so the cause's is kept.
 */
export function traceparentOf(ctx: Context): string | null {
  const spanContext = trace.getSpanContext(ctx);
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return null;
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/** Ends the span held by `ctx`; with an error, records it and marks the span failed first. */
export function endSpan(ctx: Context, error?: unknown): void {
  const span = trace.getSpan(ctx);
  if (span === undefined) return;
  if (error !== undefined) failSpan(span, error);
  span.end();
}

/** Records `error` on the span and marks it failed (the span is not ended). */
export function failSpan(span: Span, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  span.recordException(error instanceof Error ? error : message);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/** The W3C `traceparent` of the active span; null outside any span. */
export function activeTraceparent(): string | null {
  return traceparentOf(context.active());
}

/** Trace ids of the active span, for log lines; empty outside any span. */
export function activeTraceFields(): TraceFields {
  return fieldsOf(trace.getSpanContext(context.active()));
}

/** Trace ids of the span held by `ctx`, for log lines written outside it. */
export function traceFieldsOf(ctx: Context): TraceFields {
  return fieldsOf(trace.getSpanContext(ctx));
}

/** Trace ids carried by a record's headers: the producer's span, for lines about that record. */
export function traceFieldsOfHeaders(headers: RecordHeaders): TraceFields {
  return fieldsOf(trace.getSpanContext(contextFromHeaders(headers)));
}

function fieldsOf(spanContext: SpanContext | undefined): TraceFields {
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

async function settleSpan<T>(span: Span, work: (span: Span) => Promise<T>): Promise<T> {
  try {
    return await work(span);
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}
