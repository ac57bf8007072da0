import { randomUUID } from 'node:crypto';
import { topics as topicNames } from '@herald/contracts';
import type { EventOf } from '@herald/contracts';
import {
  SchemaCatalog,
  createIdempotentProducer,
  createKafka,
  encodeEvent,
  ensureTopics,
  eventHeaders,
} from '@herald/kafka';
import { createLogger } from '@herald/telemetry';
import { uniqueId } from '@herald/testkit';
import { MESSAGE_TEXT, recipients } from '../load/payloads.js';
import type { ScenarioContext, ScenarioResult } from './context.js';

/** Records per produce call: the ingress's HERALD_PRODUCE_MAX_BATCH default. */
const BATCH = 1000;

function accepted(to: string, now: number): EventOf<'MessageAccepted'> {
  return {
    type: 'MessageAccepted',
    eventId: randomUUID(),
    messageId: randomUUID(),
    tenantId: 'bench',
    occurredAt: now,
    to,
    channel: 'sms',
    from: null,
    text: MESSAGE_TEXT,
    priority: 'normal',
    clientReference: null,
    callbackUrl: null,
    metadata: null,
    sendAt: null,
    expiresAt: null,
    parts: 1,
    encoding: 'GSM-7',
    costMicros: 10_000,
    broadcastId: null,
  };
}

/**
 * Baseline: raw KafkaJS produce of real MessageAccepted events (built, Avro-encoded with the
 * contracts codec in the Confluent framing, with Herald's headers) in batches of 1,000 with
 * acks=-1 from one idempotent producer, as the ingress's group commit does, to a topic of its own.
 */
export async function benchKafka(context: ScenarioContext): Promise<ScenarioResult> {
  const { services, plan, log } = context;
  const all = topicNames(`t${uniqueId()}.bench.`);
  const kafka = createKafka({
    brokers: services.kafkaBrokers,
    clientId: 'bench-kafka',
    log: createLogger('bench', 'fatal'),
  });
  await ensureTopics(kafka, [{ topic: all.requested, partitions: plan.partitions }]);
  const catalog = new SchemaCatalog(services.schemaRegistryUrl);
  await catalog.registerAll([{ topic: all.requested, type: 'MessageAccepted' }]);
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  try {
    const to = recipients();
    const total = plan.baselineRecords;
    const started = performance.now();
    for (let done = 0; done < total; done += BATCH) {
      const now = Date.now();
      const messages = [];
      for (let i = done; i < Math.min(total, done + BATCH); i++) {
        const event = accepted(to(i), now);
        messages.push({
          key: event.to,
          value: encodeEvent(catalog, all.requested, event),
          headers: eventHeaders(event),
        });
      }
      await producer.send({ topic: all.requested, acks: -1, messages });
    }
    const seconds = (performance.now() - started) / 1000;
    const rate = Math.round(total / seconds);
    context.baselines.kafkaRecordsPerSecond = rate;
    log(`kafka: ${rate} records/s`);
    return {
      sections: [
        {
          title: 'Baseline: raw KafkaJS produce',
          measurements: [
            {
              name: `MessageAccepted built + Avro-encoded + produced, ${BATCH} a batch, acks=-1, ${plan.partitions} partitions`,
              value: rate,
              unit: 'records/s',
              count: total,
              seconds: Number(seconds.toFixed(2)),
            },
          ],
        },
      ],
      targets: [],
      charts: [],
      failures: [],
    };
  } finally {
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [all.requested] }).catch(() => undefined);
    await admin.disconnect();
  }
}
