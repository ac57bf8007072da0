import { Writable } from 'node:stream';
import test from 'ava';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Hono } from 'hono';
import {
  createLogger,
  endSpan,
  httpTracing,
  inBatchSpan,
  inClientSpan,
  inConsumerSpan,
  injectTraceContext,
  otlpTracesUrl,
  startConsumerSpan,
  startTracing,
  traceFieldsOfHeaders,
} from '../src/index.js';

const exporter = new InMemorySpanExporter();
const tracing = startTracing({
  service: 'test',
  exporter: 'none',
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
test.after.always(() => tracing.shutdown());
test.beforeEach(() => exporter.reset());

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`;

const record = (headers: Record<string, Buffer | string>) => ({
  topic: 'herald.message.requested',
  partition: 2,
  offset: '41',
  headers,
  event: { type: 'MessageAccepted', eventId: 'e-1', messageId: 'm-1', tenantId: 'acme' },
});

const finished = (name: string): ReadableSpan[] =>
  exporter.getFinishedSpans().filter((span) => span.name === name);

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/** A logger whose lines are parsed back, to see what a line written in a span carries. */
function capturedLogger(level = 'debug') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger('test', level, stream), lines };
}

test.serial('a consumer span continues the trace of the record headers (Kafka Buffers)', async (t) => {
  const traceId = await inConsumerSpan(
    record({ traceparent: Buffer.from(TRACEPARENT) }),
    'herald-router',
    async (span) => span.spanContext().traceId,
  );
  t.is(traceId, CLIENT_TRACE);
  const [span] = finished('process herald.message.requested');
  t.truthy(span);
  t.is(span?.kind, SpanKind.CONSUMER);
  t.is(parentOf(span as ReadableSpan), CLIENT_SPAN);
  t.like(span?.attributes, {
    'messaging.system': 'kafka',
    'messaging.destination.name': 'herald.message.requested',
    'messaging.destination.partition.id': '2',
    'messaging.consumer.group.name': 'herald-router',
    'messaging.kafka.offset': 41,
    'herald.message_id': 'm-1',
    'herald.tenant_id': 'acme',
  });
});

test.serial('the traceparent injected inside a consumer span is the child span, not the cause', async (t) => {
  const injected: Record<string, unknown> = {};
  const childSpanId = await inConsumerSpan(record({ traceparent: TRACEPARENT }), 'g', async (span) => {
    injectTraceContext(injected);
    return span.spanContext().spanId;
  });
  t.not(childSpanId, CLIENT_SPAN);
  t.is(injected.traceparent, `00-${CLIENT_TRACE}-${childSpanId}-01`);
});

test.serial('an invalid or missing traceparent starts a new trace', async (t) => {
  const cases: Record<string, string>[] = [
    { traceparent: '00-not-a-trace-01' },
    { traceparent: `00-${'0'.repeat(32)}-${CLIENT_SPAN}-01` },
    {},
  ];
  for (const headers of cases) await inConsumerSpan(record(headers), 'g', async () => undefined);
  const spans = finished('process herald.message.requested');
  t.is(spans.length, 3);
  for (const span of spans) {
    t.is(parentOf(span), undefined);
    t.regex(span.spanContext().traceId, /^[0-9a-f]{32}$/);
    t.not(span.spanContext().traceId, '0'.repeat(32));
  }
  t.is(new Set(spans.map((span) => span.spanContext().traceId)).size, 3, 'each record its own trace');
});

test.serial('a failing consumer span is ended with an error status and the error rethrown', async (t) => {
  await t.throwsAsync(
    inConsumerSpan(record({ traceparent: TRACEPARENT }), 'g', async () => {
      throw new Error('registry down');
    }),
    { message: 'registry down' },
  );
  const [span] = finished('process herald.message.requested');
  t.is(span?.status.code, SpanStatusCode.ERROR);
  t.is(span?.status.message, 'registry down');
});

test.serial('started record spans backdate and end explicitly; a client span is their child', async (t) => {
  const batchStart = Date.now() - 50;
  const ctx = startConsumerSpan(record({ traceparent: TRACEPARENT }), 'g', batchStart);
  const { context } = await import('@opentelemetry/api');
  await context.with(ctx, () =>
    inClientSpan('provider send', { 'herald.provider.id': 'twilio-1' }, async () => undefined),
  );
  endSpan(ctx);
  const [consumer] = finished('process herald.message.requested');
  const [client] = finished('provider send');
  t.is(client?.kind, SpanKind.CLIENT);
  t.is(parentOf(client as ReadableSpan), consumer?.spanContext().spanId);
  t.is(client?.spanContext().traceId, CLIENT_TRACE);
  const [seconds, nanos] = consumer?.startTime ?? [0, 0];
  t.true(Math.abs(seconds * 1000 + nanos / 1e6 - batchStart) < 1);
});

test.serial('a batch span links to the trace of every record it applies, and belongs to none', async (t) => {
  const other = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
  await inBatchSpan(
    'project batch',
    [record({ traceparent: TRACEPARENT }), record({ traceparent: other }), record({})],
    { 'messaging.destination.name': 'herald.message.events' },
    async () => undefined,
  );
  const [batch] = finished('project batch');
  t.deepEqual(
    batch?.links.map((link) => link.context.traceId),
    [CLIENT_TRACE, 'a'.repeat(32)],
  );
  t.not(batch?.spanContext().traceId, CLIENT_TRACE);
  t.is(batch?.attributes['messaging.batch.message_count'], 3);
  t.deepEqual(traceFieldsOfHeaders({ traceparent: other }), {
    trace_id: 'a'.repeat(32),
    span_id: 'b'.repeat(16),
  });
});

test.serial('log lines written in a span carry its trace and span ids; others carry none', async (t) => {
  const { log, lines } = capturedLogger();
  log.info('outside');
  const spanId = await inConsumerSpan(record({ traceparent: TRACEPARENT }), 'g', async (span) => {
    log.debug({ messageId: 'm-1' }, 'inside');
    return span.spanContext().spanId;
  });
  t.is(lines[0]?.trace_id, undefined);
  t.like(lines[1], { msg: 'inside', messageId: 'm-1', trace_id: CLIENT_TRACE, span_id: spanId });
});

test.serial('credentials and message bodies are redacted at the top of a line and one level down', (t) => {
  const { log, lines } = capturedLogger('info');
  log.info(
    {
      apiKey: 'hk_live_top',
      text: 'Your code is 123456',
      headers: { 'x-api-key': 'hk_live_header', authorization: 'Bearer hk_live_bearer' },
      endpoint: { secret: 'whsec_abc', secrets: ['whsec_abc'], url: 'https://example.test/hook' },
      provider: { authToken: 'tw-token', botToken: '123:abc', accessToken: 'EAAB' },
      config: { HERALD_ADMIN_TOKEN: 'admin-token', HERALD_WEBHOOK_TIMEOUT_MS: 10000 },
    },
    'everything sensitive',
  );
  const line = JSON.stringify(lines[0]);
  for (const secret of ['hk_live', '123456', 'whsec_', 'tw-token', '123:abc', 'EAAB', 'admin-token'])
    t.false(line.includes(secret), `${secret} leaked: ${line}`);
  t.like(lines[0], {
    endpoint: { url: 'https://example.test/hook' },
    config: { HERALD_WEBHOOK_TIMEOUT_MS: 10000 },
  });
});

test.serial('an HTTP request gets a SERVER span continued from a valid client traceparent', async (t) => {
  const app = new Hono();
  app.use(httpTracing({ attributes: () => ({ 'herald.request_id': 'req-1' }) }));
  app.post('/v1/messages/:id', (c) => {
    const headers: Record<string, unknown> = {};
    injectTraceContext(headers);
    return c.json(headers, 202);
  });
  app.get('/healthz', (c) => c.text('ok'));
  const continued = await app.request('/v1/messages/42', {
    method: 'POST',
    headers: { traceparent: TRACEPARENT },
  });
  const fresh = await app.request('/v1/messages/43', { method: 'POST', headers: { traceparent: 'garbage' } });
  await app.request('/healthz');
  const [first, second] = finished('POST /v1/messages/:id');
  t.is(first?.kind, SpanKind.SERVER);
  t.is(first?.spanContext().traceId, CLIENT_TRACE);
  t.is(parentOf(first as ReadableSpan), CLIENT_SPAN);
  t.like(first?.attributes, {
    'http.request.method': 'POST',
    'http.route': '/v1/messages/:id',
    'http.response.status_code': 202,
    'herald.request_id': 'req-1',
  });
  t.deepEqual(await continued.json(), {
    traceparent: `00-${CLIENT_TRACE}-${first?.spanContext().spanId}-01`,
  });
  t.not(second?.spanContext().traceId, CLIENT_TRACE);
  t.is(parentOf(second as ReadableSpan), undefined);
  t.is(
    ((await fresh.json()) as { traceparent: string }).traceparent.split('-')[1],
    second?.spanContext().traceId,
  );
  t.is(exporter.getFinishedSpans().length, 2, 'probes are not traced');
});

test.serial('a 5xx answer marks the server span failed', async (t) => {
  const app = new Hono();
  app.use(httpTracing());
  app.get('/boom', () => {
    throw new Error('database down');
  });
  app.onError((_error, c) => c.text('failed', 500));
  t.is((await app.request('/boom')).status, 500);
  const [span] = finished('GET /boom');
  t.is(span?.status.code, SpanStatusCode.ERROR);
  t.is(span?.events[0]?.name, 'exception');
});

test('the OTLP traces URL follows the OpenTelemetry environment variables', (t) => {
  t.is(otlpTracesUrl({}), 'http://localhost:4318/v1/traces');
  t.is(
    otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }),
    'http://collector:4318/v1/traces',
  );
  t.is(
    otlpTracesUrl({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:9999/custom',
    }),
    'http://traces:9999/custom',
  );
});
