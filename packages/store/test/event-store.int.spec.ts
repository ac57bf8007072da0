import { randomUUID } from 'node:crypto';
import anyTest from 'ava';
import type { TestFn } from 'ava';
import { createTestDatabase, requireServices, waitFor } from '@herald/testkit';
import {
  appendEvents,
  createPool,
  migrate,
  readAllFrom,
  readStream,
  subscribeToEvents,
} from '../src/index.js';
import type { NewStoredEvent, Pool, StoredEvent } from '../src/index.js';

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

let offset = 0;
const event = (streamId: string, streamVersion: number, type = 'MessageRouted'): NewStoredEvent => ({
  eventId: randomUUID(),
  streamId,
  streamVersion,
  type,
  tenantId: 'es',
  data: { messageId: streamId, occurredAt: 1000 + streamVersion },
  metadata: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  kafkaTopic: 'requested',
  kafkaPartition: 0,
  kafkaOffset: String(offset++),
  occurredAt: 1000 + streamVersion,
});

async function append(pool: Pool, events: NewStoredEvent[]): Promise<number> {
  const client = await pool.connect();
  try {
    return await appendEvents(client, events);
  } finally {
    client.release();
  }
}

test.serial('a stream reads back in version order; appends are idempotent by event id', async (t) => {
  const { pool } = t.context;
  const stream = randomUUID();
  const [first, second, third] = [
    event(stream, 1, 'MessageAccepted'),
    event(stream, 2),
    event(stream, 3, 'MessageSent'),
  ];
  if (!first || !second || !third) throw new Error('unreachable');
  t.is(await append(pool, [third, first]), 2);
  t.is(await append(pool, [second, first]), 1, 'the event already stored is left alone');
  const read = await readStream(pool, stream);
  t.deepEqual(
    read.map((e) => [e.streamVersion, e.type]),
    [
      [1, 'MessageAccepted'],
      [2, 'MessageRouted'],
      [3, 'MessageSent'],
    ],
  );
  t.like(read[0], { tenantId: 'es', kafka: { topic: 'requested', partition: 0, offset: first.kafkaOffset } });
  t.deepEqual(read[0]?.metadata, first.metadata);
  t.deepEqual(await readStream(pool, randomUUID()), []);
});

test.serial(
  'reading all from a position never passes an event whose transaction is still open',
  async (t) => {
    const { pool } = t.context;
    const before = await readAllFrom(pool, '0', 10_000);
    const start = before[before.length - 1]?.position ?? '0';
    const open = await pool.connect();
    try {
      await open.query('BEGIN');
      await appendEvents(open, [event(randomUUID(), 1)]); // takes the lower position, commits last
      const committed = event(randomUUID(), 1);
      await append(pool, [committed]);
      t.deepEqual(await readAllFrom(pool, start, 100), [], 'nothing is read past the open transaction');
      await open.query('COMMIT');
    } finally {
      open.release();
    }
    const after = await readAllFrom(pool, start, 100);
    t.is(after.length, 2);
    t.true(BigInt(after[0]?.position ?? 0) < BigInt(after[1]?.position ?? 0), 'in position order');
    const paged = await readAllFrom(pool, start, 1);
    t.is(paged.length, 1);
    t.deepEqual(await readAllFrom(pool, paged[0]?.position ?? '0', 1), after.slice(1));
  },
);

test.serial(
  'a subscription hands over what is stored, then what is appended, once each and in order',
  async (t) => {
    const { pool } = t.context;
    const existing = (await readAllFrom(pool, '0', 10_000)).length;
    const received: StoredEvent[] = [];
    const errors: unknown[] = [];
    const subscription = await subscribeToEvents(pool, {
      from: '0',
      pageSize: 2,
      pollMs: 60_000, // woken by NOTIFY, not by the poll
      handle: async (events) => {
        received.push(...events);
      },
      onError: (error) => errors.push(error),
    });
    try {
      await waitFor('the stored events', async () => received.length === existing);
      const stream = randomUUID();
      await append(pool, [event(stream, 1), event(stream, 2)]);
      await append(pool, [event(stream, 3)]);
      await waitFor('the appended events', async () => received.length === existing + 3, {
        timeoutMs: 10_000,
      });
      const positions = received.map((e) => BigInt(e.position));
      t.deepEqual(
        positions,
        [...positions].sort((a, b) => (a < b ? -1 : 1)),
      );
      t.is(new Set(positions).size, positions.length);
      t.is(subscription.position, received[received.length - 1]?.position ?? 'none');
    } finally {
      await subscription.stop();
    }
    t.deepEqual(errors, []);
  },
);
