import { createServer } from 'node:net';
import test from 'ava';
import { topicFor, topics as topicNames } from '@herald/contracts';
import type { EventOf, EventType, HeraldEvent, Topics } from '@herald/contracts';
import {
  BatchingProducer,
  SchemaCatalog,
  createIdempotentProducer,
  createKafka,
  encodeEvent,
  ensureTopics,
  eventHeaders,
} from '@herald/kafka';
import type { OutgoingRecord } from '@herald/kafka';
import { createPool } from '@herald/store';
import type { Pool } from '@herald/store';
import { createLogger } from '@herald/telemetry';
import {
  createTestDatabase,
  requireServices,
  startApp,
  uniqueId,
  waitFor,
  waitUntilReady,
} from '@herald/testkit';
import type { AppProcess, TestServices } from '@herald/testkit';

const PARTITIONS = 3;
const MESSAGES = 3000;
const SEED = 20250101;
const BASE_TIME = Date.UTC(2025, 0, 1);

// ---------------------------------------------------------------------------------------------
// A deterministic, realistic stream: accepted → routed (sometimes a failover) → sent → delivered,
// or accepted → routed → failed; some callbacks arrive before the `sent` they follow, and some
// events are produced twice (producer retries, duplicate callbacks).
// ---------------------------------------------------------------------------------------------

/** mulberry32: a tiny seeded PRNG, so every run produces the same stream. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface Planned {
  event: HeraldEvent;
  /** When the record reaches its topic; differs from occurredAt for late callbacks. */
  logAt: number;
  seq: number;
}

interface Stream {
  records: Planned[];
  distinctEvents: number;
  finalStatus: Map<string, 'delivered' | 'failed'>;
}

function planStream(messages: number, seed: number): Stream {
  const random = seededRandom(seed);
  const below = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[below(items.length)] as T;
  const uuid = () => {
    const bytes = Buffer.from(Array.from({ length: 16 }, () => below(256)));
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  const providers = ['twilio-main', 'twilio-backup', 'sim-eu', 'sim-us'];
  const records: Planned[] = [];
  const finalStatus = new Map<string, 'delivered' | 'failed'>();
  let seq = 0;
  let distinctEvents = 0;
  const emit = (event: HeraldEvent, logAt = event.occurredAt) => {
    const planned = { event, logAt, seq: seq++ };
    records.push(planned);
    distinctEvents++;
    return planned;
  };

  for (let i = 0; i < messages; i++) {
    const acceptedAt = BASE_TIME + i * 7;
    const base = {
      messageId: uuid(),
      tenantId: pick(['tenant-a', 'tenant-b', 'tenant-c']),
      to: `+1555${String(below(600)).padStart(7, '0')}`,
    };
    const channel = pick(['sms', 'whatsapp', 'telegram'] as const);
    const text = `Your code is ${below(1_000_000)}`;
    const own: Planned[] = [];
    const accepted: EventOf<'MessageAccepted'> = {
      type: 'MessageAccepted',
      ...base,
      eventId: uuid(),
      occurredAt: acceptedAt,
      channel,
      from: random() < 0.5 ? 'HERALD' : null,
      text,
      priority: 'normal',
      clientReference: random() < 0.3 ? `order-${i}` : null,
      callbackUrl: random() < 0.2 ? `https://hooks.example.com/${i}` : null,
      metadata: random() < 0.2 ? { campaign: `c${below(5)}` } : null,
      sendAt: null,
      expiresAt: null,
      parts: 1,
      encoding: 'GSM-7',
      costMicros: 0,
      broadcastId: null,
    };
    own.push(emit(accepted));

    const attempts = random() < 0.05 ? 2 : 1;
    let routedAt = acceptedAt;
    let providerId = pick(providers);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) providerId = pick(providers.filter((p) => p !== providerId));
      routedAt += 5 + below(200);
      const routed: EventOf<'MessageRouted'> = {
        type: 'MessageRouted',
        ...base,
        eventId: uuid(),
        occurredAt: routedAt,
        channel,
        from: accepted.from,
        text,
        priority: 'normal',
        providerId,
        attempt,
        expiresAt: null,
        notBefore: null,
        lastErrorCode: attempt > 1 ? 'http_503' : null,
        lastErrorMessage: attempt > 1 ? 'the previous provider failed' : null,
      };
      own.push(emit(routed));
    }

    if (random() < 0.8) {
      const providerMessageId = `SM${uuid().replaceAll('-', '')}`;
      const sent: EventOf<'MessageSent'> = {
        type: 'MessageSent',
        ...base,
        eventId: uuid(),
        occurredAt: routedAt + 100 + below(400),
        providerId,
        providerMessageId,
        attempt: attempts,
        latencyMs: 50 + below(400),
      };
      const sentRecord = emit(sent);
      own.push(sentRecord);
      const delivered: EventOf<'MessageDelivered'> = {
        type: 'MessageDelivered',
        ...base,
        eventId: uuid(),
        occurredAt: sent.occurredAt + 1000 + below(4000),
        providerId,
        providerMessageId,
        providerStatus: 'delivered',
      };
      // One callback in ten overtakes the sender's own `sent` on the events topic.
      own.push(emit(delivered, random() < 0.1 ? sentRecord.logAt - 1 : delivered.occurredAt));
      finalStatus.set(base.messageId, 'delivered');
    } else {
      const failed: EventOf<'MessageFailed'> = {
        type: 'MessageFailed',
        ...base,
        eventId: uuid(),
        occurredAt: routedAt + 100 + below(400),
        providerId,
        errorCode: pick(['twilio:21211', 'twilio:21610', 'herald:no_route']),
        errorMessage: 'The provider refused the message',
      };
      own.push(emit(failed));
      finalStatus.set(base.messageId, 'failed');
    }

    if (random() < 0.04) {
      const original = pick(own);
      records.push({ event: original.event, logAt: original.logAt + 500 + below(5000), seq: seq++ });
    }
  }
  records.sort((a, b) => a.logAt - b.logAt || a.seq - b.seq);
  return { records, distinctEvents, finalStatus };
}

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

const prefix = `t${uniqueId()}.`;
const all: Topics = topicNames(prefix);
const consumed = [all.requested, all.dispatchExpress, all.dispatchNormal, all.events];
const groupId = `${prefix}herald-projector`;
const cleanups: (() => Promise<unknown>)[] = [];
const running = new Set<AppProcess>();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function startProjector(services: TestServices, databaseUrl: string, opsPort: number): AppProcess {
  const app = startApp('projector', {
    NODE_ENV: 'test',
    KAFKA_BROKERS: services.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: services.schemaRegistryUrl,
    DATABASE_URL: databaseUrl,
    HERALD_TOPIC_PREFIX: prefix,
    HERALD_PARTITIONS: String(PARTITIONS),
    HERALD_PROJECTOR_OPS_PORT: String(opsPort),
    HERALD_LOG_LEVEL: 'warn',
    // A killed member is only replaced after its session times out; keep that short here.
    HERALD_CONSUMER_SESSION_TIMEOUT_MS: '6000',
  });
  running.add(app);
  void app.exited.then(() => running.delete(app));
  return app;
}

/** Waits for `probe`, failing with the projector's last output so a crash-loop explains itself. */
async function waitWithOutput<T>(
  app: AppProcess,
  what: string,
  probe: () => Promise<T | false>,
  timeoutMs: number,
): Promise<T> {
  try {
    return await waitFor(what, probe, { timeoutMs, intervalMs: 10 });
  } catch (error) {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n--- projector output ---\n${app.output().slice(-4000)}`,
    );
  }
}

type Offsets = Record<string, string>;

/** Stored next offsets of every consumed partition (missing rows count as 0). */
async function storedOffsets(pool: Pool, ends: Offsets): Promise<Offsets> {
  const { rows } = await pool.query<{ topic: string; partition: number; next_offset: string }>(
    'SELECT topic, partition, next_offset FROM consumer_offsets WHERE group_id = $1',
    [groupId],
  );
  const stored: Offsets = Object.fromEntries(Object.keys(ends).map((key) => [key, '0']));
  for (const row of rows) stored[`${row.topic}/${row.partition}`] = row.next_offset;
  return stored;
}

async function caughtUp(pool: Pool, ends: Offsets): Promise<boolean> {
  const stored = await storedOffsets(pool, ends).catch(() => null); // tables appear once migrated
  return stored !== null && Object.entries(ends).every(([key, end]) => stored[key] === end);
}

async function eventCount(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM events');
  return Number(rows[0]?.n ?? 0);
}

/** Everything a reader of the database can observe, summarised. */
async function readModel(pool: Pool) {
  const { rows } = await pool.query<Record<string, string>>(`
    SELECT (SELECT md5(string_agg(m::text, '|' ORDER BY id)) FROM messages m) AS messages_md5,
           (SELECT md5(string_agg(concat_ws(',', event_id, stream_id, type, tenant_id, data, metadata, kafka_topic,
                                             kafka_partition, kafka_offset, occurred_at), '|' ORDER BY event_id))
              FROM events) AS events_md5,
           (SELECT count(*) FROM events) AS events,
           (SELECT count(DISTINCT event_id) FROM events) AS distinct_events,
           (SELECT count(*) FROM messages) AS messages,
           (SELECT sum(version) FROM messages) AS applied,
           (SELECT count(*) FROM messages WHERE status = 'delivered') AS delivered,
           (SELECT count(*) FROM messages WHERE status = 'failed') AS failed,
           (SELECT count(*) FROM messages WHERE created_at IS NULL) AS without_accept`);
  const row = rows[0] ?? {};
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, /md5$/.test(key) ? value : Number(value)]),
  );
}

test.after.always(async () => {
  await Promise.allSettled([...running].map((app) => app.kill()));
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

test('killing the projector mid-stream and restarting it leaves the read model identical to an uninterrupted run', async (t) => {
  t.timeout(240_000);
  const services = await requireServices();
  const kafka = createKafka({
    brokers: services.kafkaBrokers,
    clientId: 'projector-crash-test',
    log: createLogger('projector-crash-test', 'error'),
  });
  const admin = kafka.admin();
  await admin.connect();
  cleanups.push(() => admin.disconnect());
  cleanups.push(() => admin.deleteTopics({ topics: Object.values(all) }));
  cleanups.push(() => admin.deleteGroups([groupId]));

  // What bootService does, with the partition count of this test.
  await ensureTopics(kafka, [
    ...[all.requested, all.dispatchExpress, all.dispatchNormal].map((topic) => ({
      topic,
      partitions: PARTITIONS,
    })),
    ...[all.events, all.dlq].map((topic) => ({ topic, partitions: PARTITIONS, retentionMs: -1 })),
  ]);
  const catalog = new SchemaCatalog(services.schemaRegistryUrl);
  const writes: { topic: string; type: EventType }[] = [
    { topic: all.requested, type: 'MessageAccepted' },
    { topic: all.dispatchNormal, type: 'MessageRouted' },
    ...(['MessageSent', 'MessageDelivered', 'MessageFailed'] as const).map((type) => ({
      topic: all.events,
      type,
    })),
  ];
  await catalog.registerAll(writes);

  const stream = planStream(MESSAGES, SEED);
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  const batching = new BatchingProducer(producer, { maxBatchRecords: 1000, lingerMs: 5 });
  const outgoing: OutgoingRecord[] = stream.records.map(({ event }) => {
    const topic = topicFor(all, event.type);
    return { topic, key: event.to, value: encodeEvent(catalog, topic, event), headers: eventHeaders(event) };
  });
  const sends: Promise<void>[] = [];
  for (let i = 0; i < outgoing.length; i += 250) sends.push(batching.send(outgoing.slice(i, i + 250)));
  await Promise.all(sends);
  await batching.close();
  await producer.disconnect();

  const ends: Offsets = {};
  for (const topic of consumed) {
    for (const { partition, high } of await admin.fetchTopicOffsets(topic))
      ends[`${topic}/${partition}`] = high;
  }
  const produced = Object.values(ends).reduce((sum, end) => sum + Number(end), 0);
  t.is(produced, stream.records.length, 'every planned record is in Kafka');
  const total = stream.distinctEvents;
  t.log(`${stream.records.length} records, ${total} distinct events, ${stream.finalStatus.size} messages`);

  const databases = await Promise.all([createTestDatabase(services), createTestDatabase(services)]);
  for (const database of databases) cleanups.push(() => database.drop());
  const [poolA, poolB] = databases.map((database) => createPool(database.url, 3)) as [Pool, Pool];
  cleanups.push(
    () => poolA.end(),
    () => poolB.end(),
  );
  const [urlA, urlB] = databases.map((database) => database.url) as [string, string];
  const opsPort = await freePort();
  const readyUrl = `http://127.0.0.1:${opsPort}/readyz`;

  // Run A: uninterrupted.
  const startedA = Date.now();
  const runA = startProjector(services, urlA, opsPort);
  await waitUntilReady(runA, readyUrl);
  await waitWithOutput(runA, 'run A to project every record', () => caughtUp(poolA, ends), 90_000);
  await runA.stop();
  t.log(`run A: ${Date.now() - startedA} ms`);

  // Run B uses the same consumer group, whose Kafka offsets now stand at the end of every partition:
  // a fresh database must still rebuild from the log, because the projector seeks every assigned
  // partition to its stored offset, or to the earliest record when it has none.

  // Run B: SIGKILL at three progress points, restart after each, then let it finish.
  const startedB = Date.now();
  const kills: { fraction: number; seen: number; committed: number }[] = [];
  for (const fraction of [0.2, 0.5, 0.8]) {
    const app = startProjector(services, urlB, opsPort);
    const threshold = Math.ceil(total * fraction);
    const seen = await waitWithOutput(
      app,
      `run B to pass ${fraction * 100}% of the events`,
      async () => {
        const n = await eventCount(poolB).catch(() => 0);
        return n >= threshold ? n : false;
      },
      90_000,
    );
    await app.kill();
    t.is((await app.exited).signal, 'SIGKILL');
    kills.push({ fraction, seen, committed: await eventCount(poolB) });
  }
  t.log(
    `kills (events seen → committed after SIGKILL): ${kills.map((k) => `${k.seen}→${k.committed}`).join(', ')}`,
  );
  for (const kill of kills)
    t.true(kill.committed < total, `the kill after ${kill.fraction * 100}% interrupted the stream`);
  const final = startProjector(services, urlB, opsPort);
  await waitWithOutput(
    final,
    'run B to project every record after its crashes',
    () => caughtUp(poolB, ends),
    120_000,
  );
  await final.stop();
  t.log(`run B: ${Date.now() - startedB} ms`);

  const [modelA, modelB] = await Promise.all([readModel(poolA), readModel(poolB)]);
  const delivered = [...stream.finalStatus.values()].filter((status) => status === 'delivered').length;
  const expected = {
    events: total,
    distinct_events: total,
    applied: total, // each message's version counts the events applied to it: none twice
    messages: MESSAGES,
    delivered,
    failed: MESSAGES - delivered,
    without_accept: 0,
  };
  t.like(modelA, expected, "run A reaches every message's final status with each event once");
  t.like(modelB, expected, 'run B, killed three times, applies each event exactly once');
  const { rows: statuses } = await poolA.query<{ id: string; status: string }>(
    'SELECT id, status FROM messages',
  );
  const byId = (rows: [string, string][]) => rows.sort(([a], [b]) => a.localeCompare(b));
  t.deepEqual(
    byId(statuses.map((row) => [row.id, row.status])),
    byId([...stream.finalStatus]),
    'each message ends in its own final status',
  );
  t.is(modelB.messages_md5, modelA.messages_md5, 'messages read model identical');
  t.is(modelB.events_md5, modelA.events_md5, 'event store identical');
  t.deepEqual(await storedOffsets(poolB, ends), ends, 'stored offsets of run B are the topic end offsets');
  t.deepEqual(await storedOffsets(poolA, ends), ends, 'stored offsets of run A are the topic end offsets');
});
