import { randomUUID } from 'node:crypto';
import anyTest from 'ava';
import type { TestFn } from 'ava';
import {
  appendEvents,
  createPool,
  inTransaction,
  matchOrParkCallbacks,
  migrate,
  providerCallbackEvent,
  takePendingCallbacks,
} from '@herald/store';
import type { Pool, ProviderCallbackEvent } from '@herald/store';
import { createLogger } from '@herald/telemetry';
import type { StatusUpdate } from '@herald/transports';
import { createTestDatabase, requireServices } from '@herald/testkit';
import { ReceiptFallback } from '../src/receipt-fallback.js';
import type { FallbackOutcome } from '../src/receipt-fallback.js';
import { ReceiptRelay, receiptCallback } from '../src/receipts.js';

const test = anyTest as TestFn<{ pool: Pool; drop: () => Promise<void> }>;

test.before(async (t) => {
  const database = await createTestDatabase(await requireServices());
  const pool = createPool(database.url, 4);
  await migrate(pool);
  t.context = { pool, drop: database.drop };
});

test.after.always(async (t) => {
  await t.context.pool?.end();
  await t.context.drop?.();
});

const PROVIDER = 'smpp-sim';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

interface Send {
  messageId: string;
  tenantId: string;
  to: string;
  providerId: string;
  providerMessageId: string;
}

function newSend(): Send {
  return {
    messageId: randomUUID(),
    tenantId: 'acme',
    to: '+14155550123',
    providerId: PROVIDER,
    providerMessageId: `smsc-${randomUUID()}`,
  };
}

/** What the projector writes for a MessageSent: its event, with the trace it came in, and the row. */
async function projectSend(pool: Pool, send: Send): Promise<void> {
  await inTransaction(pool, async (client) => {
    await appendEvents(client, [
      {
        eventId: randomUUID(),
        streamId: send.messageId,
        streamVersion: 1,
        type: 'MessageSent',
        tenantId: send.tenantId,
        data: { ...send, eventId: randomUUID(), occurredAt: 1_000, attempt: 1, latencyMs: 4 },
        metadata: { traceparent: TRACEPARENT },
        kafkaTopic: 'events',
        kafkaPartition: 0,
        kafkaOffset: '0',
        occurredAt: 1_000,
      },
    ]);
    await client.query(
      `INSERT INTO messages (id, tenant_id, recipient, status, provider_id, provider_message_id, updated_at)
       VALUES ($1, $2, $3, 'sent', $4, $5, now())`,
      [send.messageId, send.tenantId, send.to, send.providerId, send.providerMessageId],
    );
  });
}

function delivered(send: Send): StatusUpdate {
  return {
    providerMessageId: send.providerMessageId,
    status: 'delivered',
    errorCode: null,
    errorMessage: null,
    occurredAt: 2_000,
    raw: { stat: 'DELIVRD' },
  };
}

/** The event the instance that sent it would have produced from its memory. */
function memoryEvent(send: Send, update: StatusUpdate): ProviderCallbackEvent {
  const relay = new ReceiptRelay(() => 0);
  relay.remember(send.providerMessageId, send, TRACEPARENT);
  const callback = receiptCallback(PROVIDER, update);
  const known = relay.recall(PROVIDER, send.providerMessageId);
  if (callback === null || known === null) throw new Error('a remembered delivered receipt has an event');
  return providerCallbackEvent(callback, known.message);
}

function fallbackOver(pool: Pool) {
  const published: { event: ProviderCallbackEvent; traceparent: string | null }[] = [];
  const outcomes: FallbackOutcome[] = [];
  const fallback = new ReceiptFallback({
    matchOrPark: (callbacks) => matchOrParkCallbacks(pool, callbacks),
    publish: (matched) => {
      for (const { callback, message } of matched)
        published.push({ event: providerCallbackEvent(callback, message), traceparent: message.traceparent });
      return Promise.resolve();
    },
    settled: (_, outcome) => outcomes.push(outcome),
    log: createLogger('sender-test', 'silent'),
  });
  return { fallback, published, outcomes };
}

test('a receipt for a projected send becomes the same event, in the same trace, as from memory', async (t) => {
  const { pool } = t.context;
  const send = newSend();
  await projectSend(pool, send);
  const { fallback, published, outcomes } = fallbackOver(pool);
  const callback = receiptCallback(PROVIDER, delivered(send));
  if (callback === null) return t.fail('delivered is a final status');
  fallback.add(callback);
  await fallback.flush();
  t.deepEqual(outcomes, ['read_model']);
  t.deepEqual(published, [{ event: memoryEvent(send, delivered(send)), traceparent: TRACEPARENT }]);
});

test('a receipt that overtakes the projection is parked, and released as the same event when the send is recorded', async (t) => {
  const { pool } = t.context;
  const send = newSend();
  const { fallback, published, outcomes } = fallbackOver(pool);
  const callback = receiptCallback(PROVIDER, delivered(send));
  if (callback === null) return t.fail('delivered is a final status');
  fallback.add(callback);
  // The SMSC repeats it, to another instance: parked there too, and kept once.
  const other = fallbackOver(pool);
  other.fallback.add(callback);
  await Promise.all([fallback.flush(), other.fallback.flush()]);
  t.deepEqual([...outcomes, ...other.outcomes], ['parked', 'parked']);
  t.deepEqual(published, []);
  const { rows } = await pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM pending_provider_callbacks WHERE provider_message_id = $1',
    [send.providerMessageId],
  );
  t.is(rows[0]?.n, '1');

  // What the projector does in the transaction that records the MessageSent.
  await projectSend(pool, send);
  const released = await inTransaction(pool, async (client) =>
    (await takePendingCallbacks(client, [send])).map((parked) => providerCallbackEvent(parked, send)),
  );
  t.deepEqual(released, [memoryEvent(send, delivered(send))]);
});
