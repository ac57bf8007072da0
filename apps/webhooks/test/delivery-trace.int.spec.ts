// A webhook delivery continues the trace of the event it tells of: the record's span in the enqueue,
// then a CLIENT span per attempt, whose context reaches the receiver as `traceparent`.
import anyTest from 'ava';
import type { TestFn } from 'ava';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { HeraldEvent } from '@herald/contracts';
import type { PartitionBatch } from '@herald/kafka';
import { createPool, migrate } from '@herald/store';
import type { Pool } from '@herald/store';
import { SpanKind, createLogger, startTracing } from '@herald/telemetry';
import { createTestDatabase, requireServices, waitFor } from '@herald/testkit';
import { defaultAllowList } from '@herald/webhooks';
import { DeliveryWorker } from '../src/delivery-worker.js';
import { Destinations } from '../src/destinations.js';
import { enqueueBatch } from '../src/enqueue-batch.js';
import { Recorder } from '../src/recorder.js';
import { insertEndpoint, messageOf, newTenant } from './support/dispatcher.js';
import { startReceiver } from './support/receiver.js';
import type { Receiver } from './support/receiver.js';

interface Context {
  pool: Pool;
  drop: () => Promise<void>;
  receiver: Receiver;
  worker: DeliveryWorker;
  destinations: Destinations;
}

const test = anyTest.serial as TestFn<Context>;
const exporter = new InMemorySpanExporter();
const tracing = startTracing({
  service: 'webhooks',
  exporter: 'none',
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
const GROUP = 'herald-webhooks-trace-test';
const TRACE = '5af7651916cd43dd8448eb211c80319c';
const PRODUCER_SPAN = 'b7ad6b7169203331';

test.before(async (t) => {
  const database = await createTestDatabase(await requireServices());
  const pool = createPool(database.url, 4);
  await migrate(pool);
  const log = createLogger('webhooks', 'silent');
  const destinations = new Destinations({ allow: defaultAllowList('test'), ttlMs: 60_000 });
  const worker = new DeliveryWorker({
    pool,
    log,
    destinations,
    recorder: new Recorder({ pool, log, disableAfterMs: 3_600_000 }),
    retry: { schedule: [0, 60_000], random: () => 0.5 },
    concurrency: 4,
    callbackConcurrency: 4,
    timeoutMs: 2000,
    leaseMs: 30_000,
    pollMs: 50,
    callbackSecrets: () => ['whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0'],
  });
  worker.start();
  t.context = { pool, drop: database.drop, receiver: await startReceiver(), worker, destinations };
});

test.after.always(async (t) => {
  await t.context.worker?.stop(1000);
  await t.context.destinations?.close();
  await t.context.receiver?.close();
  await t.context.pool?.end();
  await t.context.drop?.();
  await tracing.shutdown();
});

let offset = 0;
const batchOf = (event: HeraldEvent, headers: Record<string, Buffer>): PartitionBatch => {
  const at = String(offset++);
  return {
    topic: 'herald.message.events',
    partition: 0,
    records: [{ topic: 'herald.message.events', partition: 0, offset: at, key: event.to, headers, event }],
    poison: [],
    raw: [],
    lastOffset: at,
  };
};

const spansOf = (kind: SpanKind, messageId: string): ReadableSpan[] =>
  exporter
    .getFinishedSpans()
    .filter((span) => span.kind === kind && span.attributes['herald.message_id'] === messageId);

test('the receiver gets the attempt span as traceparent, in the trace of the event record', async (t) => {
  const { pool, receiver } = t.context;
  const tenantId = newTenant();
  await insertEndpoint(pool, { tenantId, url: receiver.url });
  const message = messageOf(tenantId);
  const sent = message.sent();
  await enqueueBatch(
    pool,
    GROUP,
    batchOf(sent, { traceparent: Buffer.from(`00-${TRACE}-${PRODUCER_SPAN}-01`) }),
  );
  t.context.worker.nudge();
  const request = await waitFor('the message.sent delivery', () =>
    receiver.received.find((entry) => entry.type === 'message.sent'),
  );
  const [consumer] = spansOf(SpanKind.CONSUMER, message.messageId);
  const client = await waitFor('the attempt span', () => spansOf(SpanKind.CLIENT, message.messageId)[0]);
  t.is(consumer?.spanContext().traceId, TRACE);
  t.is(consumer?.parentSpanContext?.spanId, PRODUCER_SPAN);
  t.is(client.spanContext().traceId, TRACE);
  t.is(client.parentSpanContext?.spanId, consumer?.spanContext().spanId, 'the attempt continues the enqueue');
  t.is(request.headers.traceparent, `00-${TRACE}-${client.spanContext().spanId}-01`);
  t.like(client.attributes, {
    'http.request.method': 'POST',
    'http.response.status_code': 200,
    'server.address': '127.0.0.1',
    'herald.tenant_id': tenantId,
    'herald.webhook.attempt': 1,
  });
});

test('an event without trace context still gets a trace of its own, sent to the receiver', async (t) => {
  const { pool, receiver } = t.context;
  const tenantId = newTenant();
  await insertEndpoint(pool, { tenantId, url: receiver.url });
  const message = messageOf(tenantId);
  await enqueueBatch(pool, GROUP, batchOf(message.failed(), {}));
  t.context.worker.nudge();
  const request = await waitFor('the message.failed delivery', () =>
    receiver.received.find((entry) => entry.type === 'message.failed'),
  );
  const client = await waitFor('the attempt span', () => spansOf(SpanKind.CLIENT, message.messageId)[0]);
  t.not(client.spanContext().traceId, TRACE);
  t.is(request.headers.traceparent, `00-${client.spanContext().traceId}-${client.spanContext().spanId}-01`);
});
