import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { EventOf } from '@herald/contracts';
import { createIdempotentProducer, encodeEvent, eventHeaders } from '@herald/kafka';
import { createTestTopics } from '@herald/simulation';
import type { TestTopics } from '@herald/simulation';
import { createPool } from '@herald/store';
import { createTestDatabase, freePort, startApp, waitFor, waitUntilReady } from '@herald/testkit';
import type { AppProcess, TestServices } from '@herald/testkit';
import { Agent, request } from 'undici';
import type { Measurement } from '../report.js';
import type { ScenarioContext, ScenarioResult } from './context.js';

/** Endpoints of the benchmark tenant: every event fans out to each of them. */
const ENDPOINTS = 4;

export interface WebhooksBenchOptions {
  services: TestServices;
  /** Events produced for the throughput phase (each becomes ENDPOINTS deliveries). */
  events: number;
  /** Length of the live phase at 200 events/s (10 s in a full run). */
  liveSeconds: number;
  log: (line: string) => void;
}

interface Receiver {
  url: string;
  /** Receipt time minus the event's time, per delivery, in ms. */
  lags: number[];
  received: () => number;
  firstAt: () => number;
  lastAt: () => number;
  reset: () => void;
  close: () => Promise<void>;
}

/** A local receiver that answers 200 at once and notes, per delivery, how long after its event it came. */
async function startReceiver(): Promise<Receiver> {
  let lags: number[] = [];
  let received = 0;
  let firstAt = 0;
  let lastAt = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const now = Date.now();
      const { timestamp } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { timestamp: string };
      lags.push(now - Date.parse(timestamp));
      received++;
      if (firstAt === 0) firstAt = performance.now();
      lastAt = performance.now();
      response.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hooks`,
    get lags() {
      return lags;
    },
    received: () => received,
    firstAt: () => firstAt,
    lastAt: () => lastAt,
    reset: () => {
      lags = [];
      received = 0;
      firstAt = 0;
      lastAt = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}

function delivered(tenantId: string, occurredAt: number): EventOf<'MessageDelivered'> {
  return {
    type: 'MessageDelivered',
    eventId: randomUUID(),
    messageId: randomUUID(),
    tenantId,
    occurredAt,
    to: `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
    providerId: 'sim-eu',
    providerMessageId: `SM${randomUUID().slice(0, 8)}`,
    providerStatus: 'delivered',
  };
}

/** A producer kept for the whole run (connecting one per batch would pace the live phase). */
async function eventProducer(topics: TestTopics) {
  const producer = createIdempotentProducer(topics.kafka);
  await producer.connect();
  return {
    send: async (events: EventOf<'MessageDelivered'>[]) => {
      for (let i = 0; i < events.length; i += 1000) {
        await producer.send({
          topic: topics.all.events,
          acks: -1,
          messages: events.slice(i, i + 1000).map((event) => ({
            key: event.to,
            value: encodeEvent(topics.catalog, topics.all.events, event),
            headers: eventHeaders(event),
          })),
        });
      }
    },
    close: () => producer.disconnect(),
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/**
 * The webhooks dispatcher delivering to a local receiver: a live phase at a steady rate (delivery
 * latency from the event's time to its receipt, Kafka and the enqueue transaction included), then
 * a burst of events produced as fast as Kafka takes them (deliveries per second until all arrive).
 */
export async function benchWebhooks(options: WebhooksBenchOptions): Promise<Measurement[]> {
  const { services, log } = options;
  const cleanups: (() => Promise<unknown>)[] = [];
  let app: AppProcess | undefined;
  try {
    const topics = await createTestTopics(services);
    cleanups.push(topics.cleanup);
    const database = await createTestDatabase(services);
    const pool = createPool(database.url, 2);
    cleanups.push(
      () => database.drop(),
      () => pool.end(),
    );
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const opsPort = await freePort();
    app = startApp('webhooks', {
      NODE_ENV: 'test',
      KAFKA_BROKERS: services.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: services.schemaRegistryUrl,
      DATABASE_URL: database.url,
      HERALD_TOPIC_PREFIX: topics.prefix,
      HERALD_PARTITIONS: '3',
      HERALD_WEBHOOKS_OPS_PORT: String(opsPort),
      HERALD_LOG_LEVEL: 'warn',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    });
    await waitUntilReady(app, `http://127.0.0.1:${opsPort}/readyz`);
    const producer = await eventProducer(topics);
    cleanups.push(producer.close);
    const tenantId = 'bench';
    for (let i = 0; i < ENDPOINTS; i++) {
      await pool.query(
        `INSERT INTO webhook_endpoints (id, tenant_id, url, max_concurrency, secret)
         VALUES ($1, $2, $3, 100, $4)`,
        [`ep_bench${i}`, tenantId, `${receiver.url}/${i}`, `whsec_${randomBytes(32).toString('base64')}`],
      );
    }

    // Live: 200 events/s, each sent the moment it happens.
    const liveEvents = 200 * options.liveSeconds;
    const liveStarted = performance.now();
    for (let i = 0; i < liveEvents / 20; i++) {
      const due = liveStarted + i * 100;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const now = Date.now();
      const events = Array.from({ length: 20 }, () => delivered(tenantId, now));
      await producer.send(events);
    }
    await waitFor('the live deliveries', () => receiver.received() >= liveEvents * ENDPOINTS, {
      timeoutMs: 120_000,
      intervalMs: 20,
    });
    const live = receiver.lags;
    const results: Measurement[] = [
      {
        name: `live: 200 events/s × ${ENDPOINTS} endpoints for ${options.liveSeconds} s, delivery latency p50`,
        value: percentile(live, 50),
        unit: 'ms',
        count: live.length,
      },
      { name: '  p99 (event time → receipt)', value: percentile(live, 99), unit: 'ms', count: live.length },
    ];
    const { rows: split } = await pool.query<{ enqueued: number; attempted: number }>(
      `SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM d.created_at - m.occurred_at)) * 1000 AS enqueued,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM a.started_at - d.created_at)) * 1000 AS attempted
         FROM webhook_deliveries d
         JOIN webhook_messages m ON m.id = d.webhook_message_id
         JOIN webhook_attempts a ON a.delivery_id = d.id AND a.attempt = 1`,
    );
    const where = `p99 event → enqueued ${Math.round(split[0]?.enqueued ?? 0)} ms, enqueued → attempt ${Math.round(split[0]?.attempted ?? 0)} ms`;
    const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
    const average = (name: string) => {
      const value = (suffix: string) =>
        Number(new RegExp(`^${name}_${suffix}\\{[^}]*\\} (\\S+)$`, 'm').exec(metrics)?.[1] ?? Number.NaN);
      return Math.round((value('sum') * 1000) / value('count'));
    };
    const costs = `an enqueue transaction ${average('herald_webhook_enqueue_batch_seconds')} ms, a claim ${average('herald_webhook_claim_seconds')} ms on average`;
    const p99Live = results[1];
    if (p99Live) p99Live.note = `${where}; ${costs}`;
    log(`webhooks: live p50 ${percentile(live, 50)} ms, p99 ${percentile(live, 99)} ms (${where})`);

    // Burst: every event produced at once; deliveries per second from the first to the last receipt.
    receiver.reset();
    const burstAt = Date.now();
    const burst = Array.from({ length: options.events }, () => delivered(tenantId, burstAt));
    const started = performance.now();
    await producer.send(burst);
    const produced = performance.now();
    const total = options.events * ENDPOINTS;
    await waitFor('the burst deliveries', () => receiver.received() >= total, {
      timeoutMs: 600_000,
      intervalMs: 20,
    });
    const ms = receiver.lastAt() - started;
    results.push(
      {
        name: `burst: ${options.events.toLocaleString('en-US')} events × ${ENDPOINTS} endpoints, deliveries`,
        value: Math.round((total * 1000) / ms),
        unit: 'deliveries/s',
        count: total,
        seconds: Number((ms / 1000).toFixed(2)),
        note: `producing took ${((produced - started) / 1000).toFixed(2)} s; first receipt after ${Math.round(receiver.firstAt() - started)} ms`,
      },
      {
        name: '  p99 (event time → receipt)',
        value: percentile(receiver.lags, 99),
        unit: 'ms',
        count: total,
      },
    );
    log(`webhooks: burst ${results[2]?.value} deliveries/s`);
    results.push(await baselinePosts(total));
    const { rows } = await pool.query<{ attempts: string; other: string }>(
      "SELECT count(*) AS attempts, count(*) FILTER (WHERE outcome <> 'delivered') AS other FROM webhook_attempts",
    );
    if (Number(rows[0]?.other) > 0)
      log(`webhooks: ${rows[0]?.other} of ${rows[0]?.attempts} attempts not delivered`);
    return results;
  } finally {
    await app?.stop().catch(() => undefined);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

/**
 * Baseline: the same number of signed-size JSON POSTs from a bare undici client (200 in flight, one
 * keep-alive agent) to a receiver like the benchmark's, in this process: what HTTP alone costs here.
 */
async function baselinePosts(total: number): Promise<Measurement> {
  const receiver = await startReceiver();
  const agent = new Agent({ connections: 200, keepAliveTimeout: 60_000 });
  const body = JSON.stringify({
    type: 'message.delivered',
    timestamp: new Date().toISOString(),
    data: {
      id: randomUUID(),
      status: 'delivered',
      to: '+14155550100',
      provider_id: 'sim',
      event_id: randomUUID(),
    },
  });
  try {
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < total) {
        next++;
        const response = await request(receiver.url, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json', 'webhook-id': `msg_${next}` },
          body,
        });
        await response.body.dump();
      }
    };
    await Promise.all(Array.from({ length: 200 }, worker));
    const ms = performance.now() - started;
    return {
      name: 'baseline: bare undici POSTs to a local receiver (200 in flight)',
      value: Math.round((total * 1000) / ms),
      unit: 'requests/s',
      count: total,
      seconds: Number((ms / 1000).toFixed(2)),
    };
  } finally {
    await agent.close();
    await receiver.close();
  }
}

/** The webhooks scenario with its target: fan-out ≥ 5,000 deliveries/s. */
export async function webhooksScenario(context: ScenarioContext): Promise<ScenarioResult> {
  const measurements = await benchWebhooks({
    services: context.services,
    events: Math.round(context.plan.events / 10),
    liveSeconds: context.plan.quick ? 4 : 10,
    log: context.log,
  });
  const burst = measurements.find((m) => m.unit === 'deliveries/s');
  const liveP99 = measurements[1];
  const baseline = measurements.find((m) => m.name.startsWith('baseline'));
  const reached = burst !== undefined && burst.value >= 5_000;
  return {
    sections: [{ title: 'Webhooks dispatcher (issue 6)', measurements }],
    targets: [
      {
        target: 'webhook fan-out ≥ 5,000 deliveries/s to a local receiver, with p99 delivery latency',
        reached,
        measured: burst
          ? `${burst.value.toLocaleString('en-US')} deliveries/s; p99 delivery latency ${liveP99?.value ?? '?'} ms at 800 deliveries/s`
          : 'not measured',
        bottleneck: reached
          ? undefined
          : `CPU: the bare-HTTP baseline of this run reaches ${baseline?.value.toLocaleString('en-US') ?? '?'} requests/s (Herald ${burst && baseline ? Math.round((100 * burst.value) / baseline.value) : '?'}% of it). A profile of 2026-11-22 put about 230 µs per delivery in the dispatcher (undici client, signing), 175 µs in Postgres (claim lease, attempt log, delivery update) and 95 µs in the receiver, on 2 cores shared with Kafka`,
      },
    ],
    charts: [],
    failures: [],
  };
}
