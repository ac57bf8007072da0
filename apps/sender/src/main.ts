import pLimit from 'p-limit';
import { loadProviders } from '@herald/config';
import type { MessageRouted } from '@herald/domain';
import { encodeEvent, eventHeaders, startTransactionalProcessor } from '@herald/kafka';
import type { OutgoingRecord } from '@herald/kafka';
import { bootService, runService } from '@herald/service';
import { Counter, Histogram, startOpsServer } from '@herald/telemetry';
import { loadSenderConfig } from './config.js';
import { sendRouted } from './send.js';
import { createTransports, statusCallbackUrl } from './transports.js';

runService('sender', 20000, async () => {
  const config = loadSenderConfig();
  const providers = loadProviders(config.HERALD_PROVIDERS_FILE);
  const kinds = new Map(providers.map((p) => [p.id, p.kind]));
  const transports = createTransports(providers);
  const service = await bootService('sender', config, ['MessageSent', 'MessageFailed', 'MessageExpired']);
  const { log, metrics, topics, catalog } = service;
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
  // One limit per process: provider calls of every partition in flight share it.
  const limit = pLimit(config.HERALD_SENDER_MAX_IN_FLIGHT);

  const processor = await startTransactionalProcessor({
    kafka: service.kafka,
    groupId: `${config.HERALD_TOPIC_PREFIX}herald-sender`,
    topics: [topics.dispatchExpress, topics.dispatchNormal],
    catalog,
    log,
    concurrency: config.HERALD_SENDER_CONCURRENCY,
    instanceId: config.HERALD_INSTANCE_ID,
    dlqTopic: topics.dlq,
    process: async (records) => {
      const routed = records.filter((record) => record.event.type === 'MessageRouted');
      const results = await Promise.all(
        routed.map(({ event, headers }) =>
          limit(async (): Promise<OutgoingRecord> => {
            const message = event as MessageRouted;
            const kind = kinds.get(message.providerId) ?? 'unknown';
            const callback = statusCallbackUrl(config.HERALD_PUBLIC_URL, kind, message);
            const outcome = await sendRouted(message, transports.get(message.providerId), callback, Date.now);
            if (outcome.type === 'MessageSent')
              latency.observe({ provider: message.providerId }, outcome.latencyMs / 1000);
            attempts.inc({
              provider: message.providerId,
              outcome: outcome.type === 'MessageSent' ? 'sent' : outcome.type === 'MessageFailed' ? 'failed' : 'expired',
              code: outcome.type === 'MessageFailed' ? outcome.errorCode : '',
            });
            log.debug(
              { messageId: message.messageId, provider: message.providerId, outcome: outcome.type },
              'provider called',
            );
            return {
              topic: topics.events,
              key: message.to,
              value: encodeEvent(catalog, topics.events, outcome),
              headers: eventHeaders(outcome, headers),
            };
          }),
        ),
      );
      return results;
    },
  });

  const ops = await startOpsServer({
    port: config.HERALD_SENDER_OPS_PORT,
    registry: metrics,
    ready: async () => [
      ...(await service.infrastructureChecks()),
      { name: 'consumer', ok: processor.joined, detail: processor.joined ? 'assigned' : 'joining group' },
    ],
  });
  log.info({ providers: [...transports.keys()], opsPort: ops.port }, 'sender running');
  return async () => {
    await processor.stop();
    await Promise.all([...transports.values()].map((transport) => transport.close()));
    await ops.close();
  };
});
