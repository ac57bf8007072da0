import { loadProviders } from '@herald/config';
import { topicFor } from '@herald/contracts';
import type { MessageAccepted } from '@herald/domain';
import { encodeEvent, eventHeaders, startTransactionalProcessor } from '@herald/kafka';
import type { OutgoingRecord } from '@herald/kafka';
import { bootService, runService } from '@herald/service';
import { Counter, startOpsServer } from '@herald/telemetry';
import { loadRouterConfig } from './config.js';
import { routeAccepted } from './route.js';

runService('router', 15000, async () => {
  const config = loadRouterConfig();
  const providers = loadProviders(config.HERALD_PROVIDERS_FILE);
  const service = await bootService('router', config, ['MessageRouted', 'MessageFailed']);
  const { log, metrics, topics, catalog } = service;
  const decisions = new Counter({
    name: 'herald_router_decisions_total',
    help: 'Routing decisions',
    labelNames: ['outcome', 'provider'],
    registers: [metrics],
  });

  const processor = await startTransactionalProcessor({
    kafka: service.kafka,
    groupId: `${config.HERALD_TOPIC_PREFIX}herald-router`,
    topics: [topics.requested],
    catalog,
    log,
    concurrency: config.HERALD_ROUTER_CONCURRENCY,
    instanceId: config.HERALD_INSTANCE_ID,
    dlqTopic: topics.dlq,
    process: async (records) => {
      const out: OutgoingRecord[] = [];
      for (const { event, headers } of records) {
        if (event.type !== 'MessageAccepted') {
          log.warn(
            { type: event.type, messageId: event.messageId },
            'unexpected event type on the requested topic; ignored',
          );
          continue;
        }
        const decision = routeAccepted(event as MessageAccepted, providers, Math.random(), Date.now());
        const topic =
          decision.kind === 'routed'
            ? topicFor(topics, 'MessageRouted', decision.event.priority)
            : topics.events;
        decisions.inc({
          outcome: decision.kind,
          provider: decision.kind === 'routed' ? decision.event.providerId : 'none',
        });
        log.debug({ messageId: event.messageId, outcome: decision.kind }, 'message routed');
        out.push({
          topic,
          key: event.to,
          value: encodeEvent(catalog, topic, decision.event),
          headers: eventHeaders(decision.event, headers),
        });
      }
      return out;
    },
  });

  const ops = await startOpsServer({
    port: config.HERALD_ROUTER_OPS_PORT,
    registry: metrics,
    ready: async () => [
      ...(await service.infrastructureChecks()),
      { name: 'consumer', ok: processor.joined, detail: processor.joined ? 'assigned' : 'joining group' },
    ],
  });
  log.info(
    {
      providers: providers.map((p) => ({ id: p.id, channel: p.channel, weight: p.weight })),
      opsPort: ops.port,
    },
    'router running',
  );
  return async () => {
    await processor.stop();
    await ops.close();
  };
});
