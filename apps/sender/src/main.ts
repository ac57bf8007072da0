import pLimit from 'p-limit';
import { loadProviders, watchProviders } from '@herald/config';
import type { EventOf } from '@herald/contracts';
import { DEFAULT_CIRCUIT_POLICY } from '@herald/domain';
import {
  BatchingProducer,
  createIdempotentProducer,
  encodeEvent,
  eventHeaders,
  startTransactionalProcessor,
} from '@herald/kafka';
import { bootService, runService } from '@herald/service';
import { createPool, recordCircuit } from '@herald/store';
import { Counter, Gauge, Histogram, startOpsServer } from '@herald/telemetry';
import { loadSenderConfig } from './config.js';
import type { Lane, SenderDeps } from './dispatch.js';
import { processDispatch } from './dispatch.js';
import { ProviderGuards } from './guards.js';
import { LaneGate } from './lane-gate.js';
import { RateGate } from './rate-gate.js';
import { ReceiptRelay } from './receipts.js';
import { TransportPool, statusCallbackUrl } from './transports.js';

const CIRCUIT_VALUE = { closed: 0, half_open: 1, open: 2 } as const;

runService('sender', 20000, async () => {
  const config = loadSenderConfig();
  const service = await bootService('sender', config, [
    'MessageSent',
    'MessageDelivered',
    'MessageRead',
    'MessageUndelivered',
    'MessageFailed',
    'MessageExpired',
    'MessageRouted',
  ]);
  const { log, metrics, topics, catalog } = service;
  const pool = createPool(config.DATABASE_URL, 4);
  const attempts = new Counter({
    name: 'herald_provider_attempts_total',
    help: 'Provider send attempts',
    labelNames: ['provider', 'outcome', 'code'],
    registers: [metrics],
  });
  const latency = new Histogram({
    name: 'herald_provider_latency_seconds',
    help: 'Provider API call latency',
    labelNames: ['provider'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [metrics],
  });
  const circuitGauge = new Gauge({
    name: 'herald_provider_circuit_state',
    help: 'Circuit state per provider: 0 closed, 1 half-open, 2 open',
    labelNames: ['provider'],
    registers: [metrics],
  });

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
      circuitGauge.set({ provider: change.providerId }, CIRCUIT_VALUE[change.state]);
      log.warn({ provider: change.providerId, state: change.state }, 'provider circuit changed');
      recordCircuit(pool, { ...change, instanceId: config.HERALD_INSTANCE_ID }).catch((error: unknown) =>
        log.error({ err: error, provider: change.providerId }, 'recording the circuit state failed'),
      );
    },
  );
  // Receipts that arrive on provider sessions (SMPP) become events through a group-commit producer.
  const receiptProducer = createIdempotentProducer(service.kafka);
  await receiptProducer.connect();
  const receiptBatcher = new BatchingProducer(receiptProducer, { maxBatchRecords: 1000, lingerMs: 2 });
  const relay = new ReceiptRelay(Date.now);
  const unattributed = new Counter({
    name: 'herald_sender_receipts_unattributed_total',
    help: 'Provider status reports for messages this sender does not know (sent by another instance or before a restart)',
    labelNames: ['provider'],
    registers: [metrics],
  });
  transports.onStatusUpdate((providerId, update) => {
    // Transports call this synchronously from their session: nothing may throw back into them.
    try {
      const { event, known } = relay.toEvent(providerId, update);
      if (!known) {
        unattributed.inc({ provider: providerId });
        log.warn(
          { provider: providerId, providerMessageId: update.providerMessageId, status: update.status },
          'status report for an unknown message',
        );
        return;
      }
      if (!event) return;
      receiptBatcher
        .send([
          {
            topic: topics.events,
            key: event.to,
            value: encodeEvent(catalog, topics.events, event),
            headers: eventHeaders(event),
          },
        ])
        .catch((error: unknown) =>
          log.error({ err: error, messageId: event.messageId }, 'recording a provider receipt failed'),
        );
    } catch (error) {
      log.error(
        { err: error, provider: providerId, providerMessageId: update.providerMessageId },
        'turning a provider receipt into an event failed',
      );
    }
  });

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
    observe: (routed, outcome) => {
      if (outcome.providerMessageId) relay.remember(outcome.providerMessageId, routed);
      attempts.inc({
        provider: routed.providerId,
        outcome: outcome.ok ? 'sent' : 'failed',
        code: outcome.code,
      });
      if (outcome.ok) latency.observe({ provider: routed.providerId }, outcome.latencyMs / 1000);
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
      process: (records, context) =>
        processDispatch(deps, topics.retries.includes(context.topic) ? 'retry' : lane, records),
    });
  // Express has its own consumer group so its work is never queued behind normal batches.
  const express = await start('express', '-express', [topics.dispatchExpress]);
  const normal = await start('normal', '', [topics.dispatchNormal, ...topics.retries]);

  const ops = await startOpsServer({
    port: config.HERALD_SENDER_OPS_PORT,
    registry: metrics,
    ready: async () => [
      ...(await service.infrastructureChecks()),
      { name: 'express-consumer', ok: express.joined },
      { name: 'normal-consumer', ok: normal.joined },
    ],
  });
  log.info({ providers: source.current().map((p) => p.id), opsPort: ops.port }, 'sender running');
  return async () => {
    await express.stop();
    await normal.stop();
    await receiptBatcher.close();
    await receiptProducer.disconnect();
    source.stop();
    await transports.close();
    await ops.close();
    await pool.end();
  };
});
