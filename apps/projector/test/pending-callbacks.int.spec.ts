import { randomUUID } from 'node:crypto';
import anyTest from 'ava';
import type { TestFn } from 'ava';
import type { HeraldEvent } from '@herald/contracts';
import {
  createPool,
  findMessageByProviderMessageId,
  inTransaction,
  matchOrParkCallbacks,
  migrate,
} from '@herald/store';
import type { Pool, ProviderCallback } from '@herald/store';
import { createTestDatabase, requireServices, waitFor } from '@herald/testkit';
import { pendingCallbacksFor } from '../src/pending-callbacks.js';

const test = anyTest as TestFn<{ pool: Pool; drop: () => Promise<void> }>;

test.before(async (t) => {
  const database = await createTestDatabase(await requireServices());
  const pool = createPool(database.url, 6);
  pool.on('error', () => undefined);
  await migrate(pool);
  t.context = { pool, drop: database.drop };
});

test.after.always(async (t) => {
  await t.context.pool?.end();
  await t.context.drop?.();
});

type MessageSent = Extract<HeraldEvent, { type: 'MessageSent' }>;

const PROVIDER = 'whatsapp-cloud';

function sentEvent(wamid: string, overrides: Partial<MessageSent> = {}): MessageSent {
  return {
    type: 'MessageSent',
    eventId: randomUUID(),
    messageId: randomUUID(),
    tenantId: 'acme',
    to: '+14155550100',
    occurredAt: 1_000,
    providerId: PROVIDER,
    providerMessageId: wamid,
    attempt: 1,
    latencyMs: 5,
    ...overrides,
  };
}

function callback(
  wamid: string,
  eventType: ProviderCallback['eventType'],
  occurredAt: number,
): ProviderCallback {
  return {
    eventId: randomUUID(),
    eventType,
    providerId: PROVIDER,
    providerMessageId: wamid,
    providerStatus:
      eventType === 'MessageRead' ? 'read' : eventType === 'MessageFailed' ? 'failed' : 'delivered',
    errorCode: eventType === 'MessageFailed' ? 'whatsapp_131026' : null,
    errorMessage: eventType === 'MessageFailed' ? 'Message undeliverable' : null,
    occurredAt,
  };
}

/** What the projector writes for a MessageSent: the read-model row with the provider's id. */
async function projectSend(db: { query: Pool['query'] }, sent: MessageSent): Promise<void> {
  await db.query(
    `INSERT INTO messages (id, tenant_id, recipient, status, provider_id, provider_message_id, updated_at)
     VALUES ($1, $2, $3, 'sent', $4, $5, now())`,
    [sent.messageId, sent.tenantId, sent.to, sent.providerId, sent.providerMessageId],
  );
}

const pendingFor = async (pool: Pool, wamid: string) =>
  (
    await pool.query('SELECT event_type FROM pending_provider_callbacks WHERE provider_message_id = $1', [
      wamid,
    ])
  ).rows;

test('a known message is matched; an unknown one is parked once, however often it is repeated', async (t) => {
  const { pool } = t.context;
  const known = sentEvent(`wamid.known-${randomUUID()}`);
  await projectSend(pool, known);
  const early = callback(`wamid.early-${randomUUID()}`, 'MessageDelivered', 2_000);
  const first = await matchOrParkCallbacks(pool, [
    callback(known.providerMessageId, 'MessageRead', 3_000),
    early,
  ]);
  t.like(first.matched[0]?.message, {
    messageId: known.messageId,
    tenantId: 'acme',
    to: known.to,
    providerId: PROVIDER,
  });
  t.is(first.matched.length, 1);
  t.deepEqual(first.parked, [early]);
  await matchOrParkCallbacks(pool, [early]);
  t.is((await pendingFor(pool, early.providerMessageId)).length, 1);
});

test('findMessageByProviderMessageId needs the provider and its id to match', async (t) => {
  const { pool } = t.context;
  const sent = sentEvent(`wamid.find-${randomUUID()}`);
  await projectSend(pool, sent);
  t.like(await findMessageByProviderMessageId(pool, PROVIDER, sent.providerMessageId), {
    messageId: sent.messageId,
  });
  t.is(await findMessageByProviderMessageId(pool, 'another-provider', sent.providerMessageId), null);
  t.is(await findMessageByProviderMessageId(pool, PROVIDER, 'wamid.nobody'), null);
});

test('pendingCallbacksFor turns parked callbacks into events for the send, oldest first, and takes them', async (t) => {
  const { pool } = t.context;
  const wamid = `wamid.pending-${randomUUID()}`;
  const read = callback(wamid, 'MessageRead', 3_000);
  const delivered = callback(wamid, 'MessageDelivered', 2_000);
  await matchOrParkCallbacks(pool, [read, delivered]);
  const sent = sentEvent(wamid);
  const other = sentEvent(`wamid.other-${randomUUID()}`);
  const events = await inTransaction(pool, async (client) => {
    await projectSend(client, sent);
    return pendingCallbacksFor(client, [sent, other]);
  });
  const ids = { messageId: sent.messageId, tenantId: 'acme', to: sent.to, providerId: PROVIDER };
  t.deepEqual(events, [
    {
      type: 'MessageDelivered',
      eventId: delivered.eventId,
      occurredAt: 2_000,
      ...ids,
      providerMessageId: wamid,
      providerStatus: 'delivered',
    },
    { type: 'MessageRead', eventId: read.eventId, occurredAt: 3_000, ...ids, providerMessageId: wamid },
  ]);
  t.deepEqual(await pendingFor(pool, wamid), []);
});

test('a failure becomes MessageFailed with the provider code', async (t) => {
  const { pool } = t.context;
  const wamid = `wamid.failed-${randomUUID()}`;
  await matchOrParkCallbacks(pool, [callback(wamid, 'MessageFailed', 2_000)]);
  const sent = sentEvent(wamid);
  const events = await inTransaction(pool, (client) => pendingCallbacksFor(client, [sent]));
  t.like(events[0], {
    type: 'MessageFailed',
    errorCode: 'whatsapp_131026',
    errorMessage: 'Message undeliverable',
    messageId: sent.messageId,
  });
});

test('a rolled-back batch leaves the parked callbacks for the next attempt', async (t) => {
  const { pool } = t.context;
  const wamid = `wamid.rollback-${randomUUID()}`;
  await matchOrParkCallbacks(pool, [callback(wamid, 'MessageDelivered', 2_000)]);
  const sent = sentEvent(wamid);
  await t.throwsAsync(
    inTransaction(pool, async (client) => {
      t.is((await pendingCallbacksFor(client, [sent])).length, 1);
      throw new Error('produce failed');
    }),
    { message: 'produce failed' },
  );
  t.is((await pendingFor(pool, wamid)).length, 1);
  t.is((await inTransaction(pool, (client) => pendingCallbacksFor(client, [sent]))).length, 1);
});

test('a webhook racing the projection waits for it and is matched, never parked and forgotten', async (t) => {
  const { pool } = t.context;
  const wamid = `wamid.race-${randomUUID()}`;
  const sent = sentEvent(wamid);
  const client = await pool.connect();
  t.teardown(() => client.release());
  // The projector's batch: the send is written and the pending callbacks taken, not yet committed.
  await client.query('BEGIN');
  await projectSend(client, sent);
  t.deepEqual(await pendingCallbacksFor(client, [sent]), []);
  const racing = matchOrParkCallbacks(pool, [callback(wamid, 'MessageDelivered', 2_000)]);
  await waitFor('the webhook to wait for the projector', async () => {
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'
         AND datname = current_database()`,
    );
    return rows[0]?.n === '1';
  });
  await client.query('COMMIT');
  const outcome = await racing;
  t.is(outcome.parked.length, 0);
  t.like(outcome.matched[0]?.message, { messageId: sent.messageId });
});
