import test from 'ava';
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import { freePort, requireServices, startApp, startStack, waitFor, waitUntilReady } from '@herald/testkit';

// The document a running ingress serves, against what Kafka reports about the running stack: the
// topics exist with the partitions it names, and each consumer group it names reads exactly the
// topics of its receive operations.

interface Document {
  channels: Record<string, { address: string; bindings: { kafka: { partitions: number } } }>;
  operations: Record<
    string,
    {
      action: 'send' | 'receive';
      channel: { $ref: string };
      bindings?: { kafka: { groupId: { enum: string[] } } };
    }
  >;
}

test('the served AsyncAPI document matches the live topics and consumer groups', async (t) => {
  t.timeout(240_000);
  const services = await requireServices();
  const stack = await startStack(services, { env: { HERALD_LOG_LEVEL: 'warn' } });
  t.teardown(() => stack.stop());
  const webhooksOps = await freePort();
  const webhooks = startApp('webhooks', { ...stack.env, HERALD_WEBHOOKS_OPS_PORT: String(webhooksOps) });
  stack.apps.set('webhooks', webhooks);
  await waitUntilReady(webhooks, `http://127.0.0.1:${webhooksOps}/readyz`, 90_000);

  const response = await fetch(`${stack.baseUrl}/asyncapi.json`);
  t.is(response.status, 200);
  const document = (await response.json()) as Document;

  const channelAddress = (ref: string) => document.channels[ref.replace('#/channels/', '')]?.address ?? ref;
  const expectedGroups = new Map<string, Set<string>>();
  for (const operation of Object.values(document.operations)) {
    const group = operation.bindings?.kafka.groupId.enum[0];
    if (operation.action !== 'receive' || group === undefined) continue;
    const topics = expectedGroups.get(group) ?? new Set<string>();
    topics.add(channelAddress(operation.channel.$ref));
    expectedGroups.set(group, topics);
  }
  t.true(
    [...expectedGroups.keys()].every((group) => group.startsWith(stack.topicPrefix)),
    'group ids carry the running topic prefix',
  );

  const admin = new Kafka({ brokers: services.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());

  const addresses = Object.values(document.channels).map((channel) => channel.address);
  t.true(addresses.every((address) => address.startsWith(stack.topicPrefix)));
  const { topics } = await admin.fetchTopicMetadata({ topics: addresses });
  for (const channel of Object.values(document.channels)) {
    const live = topics.find((topic) => topic.name === channel.address);
    t.is(live?.partitions.length, channel.bindings.kafka.partitions, channel.address);
  }
  t.is(Object.values(document.channels)[0]?.bindings.kafka.partitions, Number(stack.env.HERALD_PARTITIONS));

  // Groups settle after a rebalance or two: wait until each one's members hold its topics.
  const assigned = await waitFor(
    'every documented consumer group to be stable with its topics assigned',
    async () => {
      const { groups } = await admin.describeGroups([...expectedGroups.keys()]);
      if (groups.some((group) => group.state !== 'Stable')) return undefined;
      return new Map(
        groups.map((group) => [
          group.groupId,
          [
            ...new Set(
              group.members.flatMap((member) =>
                Object.keys(
                  AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment ?? {},
                ),
              ),
            ),
          ].sort(),
        ]),
      );
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  for (const [group, topicsOfGroup] of expectedGroups)
    t.deepEqual(assigned.get(group), [...topicsOfGroup].sort(), group);

  // And no Herald group reads anything the document leaves out.
  const live = (await admin.listGroups()).groups
    .map((group) => group.groupId)
    .filter((id) => id.startsWith(stack.topicPrefix));
  t.deepEqual(live.sort(), [...expectedGroups.keys()].sort());
});
