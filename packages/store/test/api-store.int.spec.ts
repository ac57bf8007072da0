import { randomUUID } from 'node:crypto';
import anyTest from 'ava';
import type { TestFn } from 'ava';
import {
  addOptOut,
  appendTimeline,
  applyBroadcastDeltas,
  broadcastSummary,
  claimIdempotencyKey,
  completeIdempotencyKey,
  createPool,
  isOptedOut,
  listMessages,
  listOptOuts,
  messageTimeline,
  migrate,
  optedOutRecipients,
  purgeExpiredIdempotencyKeys,
  releaseIdempotencyKey,
  removeOptOut,
} from '../src/index.js';
import type { IdempotentRequest, MessagePosition, Pool } from '../src/index.js';
import { createTestDatabase, requireServices } from '@herald/testkit';

const test = anyTest as TestFn<{ pool: Pool; drop: () => Promise<void> }>;

test.before(async (t) => {
  const database = await createTestDatabase(await requireServices());
  const pool = createPool(database.url, 4);
  // An idle connection the server closes (dropping the throwaway database) must not crash the run.
  pool.on('error', () => undefined);
  await migrate(pool);
  t.context = { pool, drop: database.drop };
});

test.after.always(async (t) => {
  await t.context.pool?.end();
  await t.context.drop?.();
});

const request = (key: string, body = 'a', overrides: Partial<IdempotentRequest> = {}): IdempotentRequest => ({
  tenantId: 'acme',
  key,
  requestHash: Buffer.from(body),
  ttlSeconds: 3600,
  leaseSeconds: 3600,
  ...overrides,
});

test('an idempotency key runs once, then replays; another body is a mismatch', async (t) => {
  const { pool } = t.context;
  const first = await claimIdempotencyKey(pool, request('k1'), randomUUID());
  if (first.kind !== 'claimed') return t.fail(first.kind);
  t.is((await claimIdempotencyKey(pool, request('k1'), randomUUID())).kind, 'in_progress');
  t.is((await claimIdempotencyKey(pool, request('k1', 'b'), randomUUID())).kind, 'mismatch');
  const response = { status: 202, headers: { 'content-type': 'application/json' }, body: '{"id":"x"}' };
  await completeIdempotencyKey(pool, 'acme', 'k1', first.seed, response);
  t.deepEqual(await claimIdempotencyKey(pool, request('k1'), randomUUID()), { kind: 'replay', response });
  t.is((await claimIdempotencyKey(pool, request('k1', 'b'), randomUUID())).kind, 'mismatch');
  t.is(
    (await claimIdempotencyKey(pool, { ...request('k1'), tenantId: 'other' }, randomUUID())).kind,
    'claimed',
    'keys are per tenant',
  );
});

test('a released key runs again; an expired one starts afresh; a stale claim is taken over with its seed', async (t) => {
  const { pool } = t.context;
  const first = await claimIdempotencyKey(pool, request('k2'), randomUUID());
  if (first.kind !== 'claimed') return t.fail(first.kind);
  await releaseIdempotencyKey(pool, 'acme', 'k2', first.seed);
  t.is((await claimIdempotencyKey(pool, request('k2', 'other body'), randomUUID())).kind, 'claimed');

  const expiring = await claimIdempotencyKey(pool, request('k3', 'a', { ttlSeconds: 0 }), randomUUID());
  const renewed = await claimIdempotencyKey(pool, request('k3', 'b'), randomUUID());
  t.true(expiring.kind === 'claimed' && renewed.kind === 'claimed' && renewed.seed !== expiring.seed);

  const crashed = await claimIdempotencyKey(pool, request('k4'), randomUUID());
  const retry = await claimIdempotencyKey(pool, request('k4', 'a', { leaseSeconds: 0 }), randomUUID());
  t.true(crashed.kind === 'claimed' && retry.kind === 'claimed' && retry.seed === crashed.seed);
  t.is(
    (await claimIdempotencyKey(pool, request('k4', 'b', { leaseSeconds: 0 }), randomUUID())).kind,
    'mismatch',
  );

  await claimIdempotencyKey(pool, request('k5', 'a', { ttlSeconds: 0 }), randomUUID());
  t.true((await purgeExpiredIdempotencyKeys(pool)) >= 1);
});

test('opt-outs: per channel or every channel, idempotent adds, precise removals, pages', async (t) => {
  const { pool } = t.context;
  const add = (recipient: string, channel: 'sms' | 'whatsapp' | null) =>
    addOptOut(pool, { tenantId: 'acme', recipient, channel, source: 'api' });
  t.true((await add('+14155550100', 'sms')).created);
  t.false((await add('+14155550100', 'sms')).created);
  t.true((await add('+14155550100', null)).created, 'every-channel entry is distinct from the sms one');
  t.false((await add('+14155550100', null)).created, 'NULL channel is unique too');
  await add('+14155550101', 'whatsapp');
  t.true(await isOptedOut(pool, 'acme', 'sms', '+14155550100'));
  t.true(
    await isOptedOut(pool, 'acme', 'telegram', '+14155550100'),
    'the every-channel entry blocks telegram',
  );
  t.false(await isOptedOut(pool, 'acme', 'sms', '+14155550101'));
  t.false(await isOptedOut(pool, 'other', 'sms', '+14155550100'), 'lists are per tenant');
  t.deepEqual(
    await optedOutRecipients(pool, 'acme', 'whatsapp', ['+14155550100', '+14155550101', '+14155550102']),
    new Set(['+14155550100', '+14155550101']),
  );

  const first = await listOptOuts(pool, 'acme', { limit: 2 });
  t.true(first.hasMore);
  const second = await listOptOuts(pool, 'acme', { limit: 2, before: first.optOuts[1]?.id });
  t.false(second.hasMore);
  t.is(new Set([...first.optOuts, ...second.optOuts].map((entry) => entry.id)).size, 3);

  t.is(await removeOptOut(pool, 'acme', '+14155550100', null), 1, 'only the every-channel entry');
  t.true(await isOptedOut(pool, 'acme', 'sms', '+14155550100'));
  t.false(await isOptedOut(pool, 'acme', 'telegram', '+14155550100'));
  t.is(await removeOptOut(pool, 'acme', '+14155550100'), 1);
  t.is(await removeOptOut(pool, 'acme', '+14155550100'), 0);
});

async function insertMessage(
  pool: Pool,
  row: {
    tenant: string;
    status: string;
    channel: string;
    to: string;
    at: Date;
    reference?: string;
    broadcast?: string;
  },
): Promise<string> {
  const id = randomUUID();
  await pool.query(
    `INSERT INTO messages (id, tenant_id, channel, recipient, status, client_reference, broadcast_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
    [id, row.tenant, row.channel, row.to, row.status, row.reference ?? null, row.broadcast ?? null, row.at],
  );
  return id;
}

test('message listing pages over (created_at, id) without gaps or repeats, ties included, with filters', async (t) => {
  const { pool } = t.context;
  const base = Date.UTC(2025, 0, 1);
  const ids: string[] = [];
  for (let i = 0; i < 23; i++) {
    // Groups of three share a created_at, so the id breaks ties.
    const at = new Date(base + Math.floor(i / 3) * 1000);
    const status = i % 2 === 0 ? 'delivered' : 'failed';
    ids.push(
      await insertMessage(pool, {
        tenant: 'pages',
        status,
        channel: i % 5 === 0 ? 'whatsapp' : 'sms',
        to: `+1415555${String(i).padStart(4, '0')}`,
        at,
        reference: i === 7 ? 'ref-7' : undefined,
      }),
    );
  }
  await insertMessage(pool, {
    tenant: 'someone-else',
    status: 'delivered',
    channel: 'sms',
    to: '+14155550000',
    at: new Date(base),
  });
  const seen: string[] = [];
  let after: MessagePosition | undefined;
  for (let pages = 0; pages < 10; pages++) {
    const page = await listMessages(pool, 'pages', {}, { limit: 5, after });
    seen.push(...page.messages.map((message) => message.id));
    if (!page.next) break;
    after = page.next;
  }
  t.is(seen.length, 23);
  t.is(new Set(seen).size, 23);
  const times = (await listMessages(pool, 'pages', {}, { limit: 100 })).messages.map((m) => m.createdAt ?? 0);
  t.deepEqual(
    times,
    [...times].sort((a, b) => b - a),
    'newest first',
  );

  const count = async (filters: Parameters<typeof listMessages>[2]) =>
    (await listMessages(pool, 'pages', filters, { limit: 200 })).messages.length;
  t.is(await count({ status: 'delivered' }), 12);
  t.is(await count({ channel: 'whatsapp' }), 5);
  t.is(await count({ to: '+14155550003' }), 1);
  t.is(await count({ clientReference: 'ref-7' }), 1);
  t.is(
    await count({ createdAfter: base + 3000, createdBefore: base + 5000 }),
    6,
    'after inclusive, before exclusive',
  );
  t.is(await count({ status: 'delivered', channel: 'whatsapp' }), 3);
});

test('broadcast counts move by deltas, drop rows that reach zero, and stay per tenant', async (t) => {
  const { pool } = t.context;
  const broadcast = randomUUID();
  const at = Date.UTC(2025, 0, 2);
  const client = await pool.connect();
  try {
    await applyBroadcastDeltas(
      client,
      [{ broadcastId: broadcast, tenantId: 'bc', channel: 'sms', messages: 4, firstAcceptedAt: at + 5 }],
      [{ broadcastId: broadcast, tenantId: 'bc', status: 'queued', messages: 4 }],
    );
    // Two delivered, one failed; a later batch accepts one more, earlier in time.
    await applyBroadcastDeltas(
      client,
      [{ broadcastId: broadcast, tenantId: 'bc', channel: 'sms', messages: 1, firstAcceptedAt: at }],
      [
        { broadcastId: broadcast, tenantId: 'bc', status: 'queued', messages: -3 },
        { broadcastId: broadcast, tenantId: 'bc', status: 'delivered', messages: 2 },
        { broadcastId: broadcast, tenantId: 'bc', status: 'failed', messages: 1 },
      ],
    );
    await applyBroadcastDeltas(
      client,
      [],
      [
        { broadcastId: broadcast, tenantId: 'bc', status: 'queued', messages: -1 },
        { broadcastId: broadcast, tenantId: 'bc', status: 'sending', messages: 1 },
      ],
    );
  } finally {
    client.release();
  }
  t.deepEqual(await broadcastSummary(pool, 'bc', broadcast), {
    id: broadcast,
    channel: 'sms',
    total: 5,
    counts: { sending: 1, delivered: 2, failed: 1 },
    createdAt: at,
  });
  const { rows } = await pool.query('SELECT status FROM broadcast_status_counts WHERE broadcast_id = $1', [
    broadcast,
  ]);
  t.false(
    rows.some((row: { status: string }) => row.status === 'queued'),
    'a count that reached zero is deleted',
  );
  t.is(await broadcastSummary(pool, 'not-bc', broadcast), null);
  t.is(await broadcastSummary(pool, 'bc', randomUUID()), null);
});

test('a timeline is in occurrence order whatever order the events were stored in', async (t) => {
  const { pool } = t.context;
  const stream = randomUUID();
  const row = (type: string, at: number) => ({
    messageId: stream,
    eventId: randomUUID(),
    tenantId: 'tl',
    type,
    status: null,
    occurredAt: at,
    data: { occurredAt: at },
  });
  const client = await pool.connect();
  try {
    await appendTimeline(client, [row('MessageAccepted', 1000), row('MessageDelivered', 4000)]);
    const sent = row('MessageSent', 3000);
    await appendTimeline(client, [sent, row('MessageRouted', 2000)]);
    await appendTimeline(client, [sent]); // appended twice: kept once
  } finally {
    client.release();
  }
  const timeline = await messageTimeline(pool, 'tl', stream);
  t.deepEqual(
    timeline.map((entry) => entry.type),
    ['MessageAccepted', 'MessageRouted', 'MessageSent', 'MessageDelivered'],
  );
  t.deepEqual(await messageTimeline(pool, 'other', stream), []);
});
