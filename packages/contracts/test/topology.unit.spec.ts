import test from 'ava';
import { EVENT_TYPES, TOPOLOGY, eventTypesProducedBy, topics, topicsCarrying } from '@herald/contracts';
import type { TopicRole, Topics } from '@herald/contracts';

const all = topics('t.');
const namesOf = (role: TopicRole): readonly string[] => {
  const named: Topics[TopicRole] = all[role];
  return typeof named === 'string' ? [named] : named;
};

test('every event an app produces is one its topic carries (topicFor agrees with the topology)', (t) => {
  for (const { app, produces } of TOPOLOGY)
    for (const production of produces)
      for (const type of production.events)
        for (const topic of namesOf(production.topic))
          t.true(topicsCarrying(all, type).includes(topic), `${app} writes ${type} to ${topic}`);
});

test('every event type has a producer, and every topic a consumer group', (t) => {
  const produced = new Set(TOPOLOGY.flatMap(({ app }) => eventTypesProducedBy(app)));
  t.deepEqual(
    EVENT_TYPES.filter((type) => !produced.has(type)),
    [],
  );
  const consumed = new Set(TOPOLOGY.flatMap(({ consumes }) => consumes.flatMap((group) => group.topics)));
  t.deepEqual(
    (Object.keys(all) as TopicRole[]).filter((role) => !consumed.has(role)),
    [],
  );
  t.true(
    TOPOLOGY.some((app) => app.deadLetters),
    'someone writes the DLQ',
  );
});

test('consumer group names are unique', (t) => {
  const groups = TOPOLOGY.flatMap(({ consumes }) => consumes.map((group) => group.group));
  t.is(new Set(groups).size, groups.length);
});
