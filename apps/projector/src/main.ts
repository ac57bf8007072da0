import {
  BatchingProducer,
  createIdempotentProducer,
  encodeEvent,
  eventHeaders,
  startStoredOffsetConsumer,
} from '@herald/kafka';
import { eventTypesProducedBy } from '@herald/contracts';
import { bootService, consumerCheck, postgresCheck, runService } from '@herald/service';
import type { Service } from '@herald/service';
import { createPool, migrate, readOffsets } from '@herald/store';
import { contextFromHeaders, startOpsServer } from '@herald/telemetry';
import { loadProjectorConfig } from './config.js';
import { projectDeadLetters } from './dead-letters.js';
import { countSettled, createProjectorMetrics } from './metrics.js';
import { projectBatch } from './project-batch.js';
import type { MessageLocking } from './project-batch.js';

runService('projector', async () => {
  const config = loadProjectorConfig();
  // The projector writes only the events of provider callbacks parked before their send was known.
  const service = await bootService('projector', config, eventTypesProducedBy('projector'));
  const { log, metrics, topics } = service;
  const pool = createPool(config.DATABASE_URL, config.HERALD_PROJECTOR_CONCURRENCY + 2, (error) =>
    log.warn({ err: error }, 'an idle Postgres connection failed; the pool replaces it'),
  );
  const applied = await migrate(pool);
  if (applied.length > 0) log.info({ migrations: applied }, 'database migrated');

  const groupId = `${config.HERALD_TOPIC_PREFIX}herald-projector`;
  const instruments = createProjectorMetrics(metrics, pool, log);

  const parkedProducer = createIdempotentProducer(service.kafka);
  await parkedProducer.connect();
  const parked = new BatchingProducer(parkedProducer, {
    maxBatchRecords: 1000,
    lingerMs: 1,
    metrics: service.kafkaMetrics,
  });

  const consumed = [
    topics.requested,
    topics.dispatchExpress,
    topics.dispatchNormal,
    ...topics.retries,
    topics.events,
  ];
  const locking = await lockingFor(service.kafka, consumed);
  if (locking === 'messages')
    log.warn(
      { topics: consumed },
      'message topics differ in partition count: locking per message, not per lane',
    );

  const consumer = await startStoredOffsetConsumer({
    kafka: service.kafka,
    groupId,
    topics: consumed,
    catalog: service.catalog,
    log,
    concurrency: config.HERALD_PROJECTOR_CONCURRENCY,
    sessionTimeoutMs: config.HERALD_CONSUMER_SESSION_TIMEOUT_MS,
    metrics: service.kafkaMetrics,
    storedOffsets: (assignment) => readOffsets(pool, groupId, assignment),
    handle: async (batch) => {
      // The projector is not the owner of these topics' dead letters (router and sender are); it
      // records the poison record's position by moving past it (KafkaMetrics counts it).
      for (const bad of batch.poison) {
        log.warn(
          { topic: bad.topic, partition: bad.partition, offset: bad.offset, code: bad.error.code },
          'skipping poison record',
        );
      }
      const end = instruments.batchSeconds.startTimer();
      const outcome = await projectBatch(
        pool,
        groupId,
        batch,
        (released) =>
          parked.send(
            released.map(({ event, cause }) => ({
              topic: topics.events,
              key: event.to,
              value: encodeEvent(service.catalog, topics.events, event),
              // In the trace of the send that released it, not of this batch's span.
              headers: eventHeaders(event, cause, contextFromHeaders(cause)),
            })),
          ),
        locking,
        log,
      );
      end();
      instruments.projected.inc({ topic: batch.topic, outcome: 'applied' }, outcome.applied);
      instruments.projected.inc({ topic: batch.topic, outcome: 'skipped' }, outcome.skipped);
      countSettled(instruments, outcome.settled);
      log.debug(
        {
          topic: batch.topic,
          partition: batch.partition,
          applied: outcome.applied,
          skipped: outcome.skipped,
        },
        'batch projected',
      );
    },
  });

  // Dead letters are not Herald events: a consumer of its own stores them raw for the DLQ API.
  const dlqGroupId = `${config.HERALD_TOPIC_PREFIX}herald-dlq-projector`;
  const deadLetters = await startStoredOffsetConsumer({
    kafka: service.kafka,
    groupId: dlqGroupId,
    topics: [topics.dlq],
    catalog: service.catalog,
    log,
    concurrency: 1,
    decode: false,
    sessionTimeoutMs: config.HERALD_CONSUMER_SESSION_TIMEOUT_MS,
    metrics: service.kafkaMetrics,
    storedOffsets: (assignment) => readOffsets(pool, dlqGroupId, assignment),
    handle: async (batch) => {
      const recorded = await projectDeadLetters(pool, dlqGroupId, batch);
      if (recorded > 0) log.warn({ recorded, partition: batch.partition }, 'dead letters recorded');
    },
  });

  const ops = await startOpsServer({
    port: config.HERALD_PROJECTOR_OPS_PORT,
    registry: metrics,
    ready: service.readiness(
      postgresCheck(pool),
      consumerCheck('consumer', consumer),
      consumerCheck('dlq-consumer', deadLetters),
    ),
  });
  log.info({ groupId, opsPort: ops.port }, 'projector running');

  return async () => {
    // Each batch in hand commits its rows and offsets in its Postgres transaction, then the
    // members leave their groups (at once, not after a session timeout).
    await Promise.all([consumer.stop(), deadLetters.stop()]);
    await parked.close();
    await parkedProducer.disconnect();
    await ops.close();
    await service.kafkaMetrics.close();
    await pool.end();
  };
});

/**
 * Lanes when every consumed topic has the same partition count (then a message's events share a
 * partition number on every topic, as all are keyed by the recipient with the same partitioner).
 */
async function lockingFor(kafka: Service['kafka'], consumed: string[]): Promise<MessageLocking> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: consumed });
    return new Set(topics.map((topic) => topic.partitions.length)).size === 1 ? 'lanes' : 'messages';
  } finally {
    await admin.disconnect();
  }
}
