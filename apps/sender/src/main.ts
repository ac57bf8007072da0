import pLimit from 'p-limit';
import { loadProviders, watchProviders } from '@herald/config';
import { eventTypesProducedBy } from '@herald/contracts';
import type { EventOf } from '@herald/contracts';
import { DEFAULT_CIRCUIT_POLICY } from '@herald/domain';
import { BatchingProducer, createIdempotentProducer, startTransactionalProcessor } from '@herald/kafka';
import { bootService, consumerCheck, postgresCheck, runService } from '@herald/service';
import { createPool, matchOrParkCallbacks, providerCallbackEvent, recordCircuit } from '@herald/store';
import { activeTraceparent, startOpsServer } from '@herald/telemetry';
import { loadSenderConfig } from './config.js';
import type { Lane, SenderDeps } from './dispatch.js';
import { processDispatch } from './dispatch.js';
import { ProviderGuards } from './guards.js';
import { LaneGate } from './lane-gate.js';
import { createSenderMetrics, observeAttempt } from './metrics.js';
import { RateGate } from './rate-gate.js';
import { ReceiptFallback } from './receipt-fallback.js';
import { receiptListener, receiptRecord } from './receipt-listener.js';
import { ReceiptRelay } from './receipts.js';
import { TransportPool, statusCallbackUrl } from './transports.js';

runService('sender', async () => {
  const config = loadSenderConfig();
  const service = await bootService('sender', config, eventTypesProducedBy('sender'));
  const { log, metrics, topics, catalog } = service;
  const pool = createPool(config.DATABASE_URL, 4, (error) =>
    log.warn({ err: error }, 'an idle Postgres connection failed; the pool replaces it'),
  );
  // The circuit gauge reads `guards` on scrape, once everything below exists.
  const instruments = createSenderMetrics(metrics, () =>
    source.current().map((provider) => ({ provider: provider.id, state: guards.state(provider.id) })),
  );

  const transports = new TransportPool(loadProviders(config.HERALD_PROVIDERS_FILE));
  const source = watchProviders(config.HERALD_PROVIDERS_FILE, {
    onReload: (providers) => {
      log.info({ providers: providers.map((p) => p.id) }, 'providers reloaded');
      transports
        .update(providers)
        .catch((error: unknown) => log.warn({ err: error }, 'closing a retired transport failed'));
    },
    onError: (error) =>
      log.error({ err: error }, 'providers file is invalid; keeping the previous configuration'),
  });

  const defaultCircuit = {
    ...DEFAULT_CIRCUIT_POLICY,
    consecutiveFailures: config.HERALD_CIRCUIT_CONSECUTIVE_FAILURES,
    failureRate: config.HERALD_CIRCUIT_FAILURE_RATE,
    minimumCalls: config.HERALD_CIRCUIT_MINIMUM_CALLS,
    windowSize: config.HERALD_CIRCUIT_WINDOW,
    openMs: config.HERALD_CIRCUIT_OPEN_MS,
    halfOpenTrials: config.HERALD_CIRCUIT_HALF_OPEN_TRIALS,
  };
  const guards = new ProviderGuards(
    (providerId) => ({ ...defaultCircuit, ...source.current().find((p) => p.id === providerId)?.circuit }),
    Date.now,
    (change) => {
      instruments.circuitTransitions.inc({ provider: change.providerId, state: change.state });
      log.warn({ provider: change.providerId, state: change.state }, 'provider circuit changed');
      recordCircuit(pool, { ...change, instanceId: config.HERALD_INSTANCE_ID }).catch((error: unknown) =>
        log.error({ err: error, provider: change.providerId }, 'recording the circuit state failed'),
      );
    },
  );
  // Receipts that arrive on provider sessions (SMPP) become events through a group-commit producer.
  const receiptProducer = createIdempotentProducer(service.kafka);
  await receiptProducer.connect();
  const receiptBatcher = new BatchingProducer(receiptProducer, {
    maxBatchRecords: 1000,
    lingerMs: 2,
    metrics: service.kafkaMetrics,
  });
  const relay = new ReceiptRelay(Date.now);
  // Receipts this instance did not send (another instance did, or it restarted since) are matched
  // in the read model or parked for the projector, as the ingress does with WhatsApp webhooks.
  const fallback = new ReceiptFallback({
    matchOrPark: (callbacks) => matchOrParkCallbacks(pool, callbacks),
    publish: (matched) =>
      receiptBatcher.send(
        matched.map(({ callback, message }) =>
          receiptRecord(
            catalog,
            topics.events,
            providerCallbackEvent(callback, message),
            message.traceparent,
          ),
        ),
      ),
    settled: (callback, outcome) => instruments.receipts.inc({ provider: callback.providerId, outcome }),
    log,
  });
  transports.onStatusUpdate(
    receiptListener({
      relay,
      fallback,
      produce: (records) => receiptBatcher.send(records),
      catalog,
      eventsTopic: topics.events,
      settled: (providerId, outcome) => instruments.receipts.inc({ provider: providerId, outcome }),
      log,
    }),
  );

  const deps: SenderDeps = {
    providers: () => source.current(),
    transports: () => transports.current(),
    guards,
    rate: new RateGate((id) => source.current().find((p) => p.id === id)?.mps),
    lanes: new LaneGate(),
    limit: pLimit(config.HERALD_SENDER_MAX_IN_FLIGHT),
    catalog,
    topics,
    retryPolicy: {
      tierDelaysMs: config.HERALD_RETRY_DELAYS_MS,
      maxAttempts: config.HERALD_RETRY_MAX_ATTEMPTS,
      jitter: config.HERALD_RETRY_JITTER,
    },
    callbackUrl: (routed: EventOf<'MessageRouted'>) => {
      const provider = source.current().find((p) => p.id === routed.providerId);
      return provider?.kind === 'twilio'
        ? statusCallbackUrl(config.HERALD_PUBLIC_URL, 'twilio', routed)
        : null;
    },
    clock: Date.now,
    random: Math.random,
    log,
    observe: (routed, outcome) => {
      // Told inside the message's span (see dispatch.ts), so its trace is the active one.
      if (outcome.providerMessageId) relay.remember(outcome.providerMessageId, routed, activeTraceparent());
      observeAttempt(instruments, { provider: routed.providerId, channel: routed.channel, ...outcome });
    },
  };

  const start = (lane: Lane, groupSuffix: string, laneTopics: string[]) =>
    startTransactionalProcessor({
      kafka: service.kafka,
      groupId: `${config.HERALD_TOPIC_PREFIX}herald-sender${groupSuffix}`,
      topics: laneTopics,
      catalog,
      log,
      concurrency: config.HERALD_SENDER_CONCURRENCY,
      instanceId: config.HERALD_INSTANCE_ID,
      dlqTopic: topics.dlq,
      metrics: service.kafkaMetrics,
      process: (records, context) =>
        processDispatch(
          deps,
          topics.retries.includes(context.topic) ? 'retry' : lane,
          records,
          `${config.HERALD_TOPIC_PREFIX}herald-sender${groupSuffix}`,
        ),
    });
  // Express has its own consumer group so its work is never queued behind normal batches.
  const express = await start('express', '-express', [topics.dispatchExpress]);
  const normal = await start('normal', '', [topics.dispatchNormal, ...topics.retries]);

  const ops = await startOpsServer({
    port: config.HERALD_SENDER_OPS_PORT,
    registry: metrics,
    ready: service.readiness(
      postgresCheck(pool),
      consumerCheck('express-consumer', express),
      consumerCheck('normal-consumer', normal),
    ),
  });
  log.info({ providers: source.current().map((p) => p.id), opsPort: ops.port }, 'sender running');
  return async () => {
    // Batches in hand finish their provider calls and commit in their Kafka transactions.
    await Promise.all([express.stop(), normal.stop()]);
    source.stop();
    // Provider sessions close before the receipt producer: a receipt they deliver while unbinding
    // still finds the batcher open, and the flush below takes it to Kafka.
    await transports.close();
    // Receipts being looked up in the read model settle (their events produced, or parked) while
    // the producer and the pool are still open.
    await fallback.flush();
    await receiptBatcher.close();
    await receiptProducer.disconnect();
    await ops.close();
    await service.kafkaMetrics.close();
    await pool.end();
  };
});
