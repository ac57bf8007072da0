import test from 'ava';
import fc from 'fast-check';
import type { EventOf, HeraldEvent } from '@herald/contracts';
import type { StoredMessage } from '@herald/store';
import {
  broadcastDeltas,
  foldEvents,
  minuteOf,
  providerHealthRows,
  usageDeltas,
  usageOf,
  utcDay,
} from '../src/index.js';

const DAY = Date.UTC(2025, 2, 1);
const BROADCAST = '7d1c1b9e-8a0e-4c39-9a53-8f3b4f0d2a11';

/** One message's events: accepted, routed, then sent → delivered | undelivered, or failed. */
function lifecycle(index: number, outcome: 'delivered' | 'undelivered' | 'failed', inBroadcast: boolean) {
  const hex = index.toString(16).padStart(12, '0');
  const messageId = `00000000-0000-4000-8000-${hex}`;
  const base = { messageId, tenantId: index % 2 === 0 ? 'acme' : 'globex', to: `+1555000${index}` };
  const at = DAY + index * 37_000; // spreads messages over several minutes and two days
  const id = (n: number) => `00000000-0000-4000-9${n}00-${hex}`;
  const events: HeraldEvent[] = [
    {
      ...base,
      type: 'MessageAccepted',
      eventId: id(1),
      occurredAt: at,
      channel: index % 3 === 0 ? 'whatsapp' : 'sms',
      from: null,
      text: 'hi',
      priority: 'normal',
      clientReference: null,
      callbackUrl: null,
      metadata: null,
      sendAt: null,
      expiresAt: null,
      parts: 1 + (index % 2),
      encoding: 'GSM-7',
      costMicros: 5000 * (1 + (index % 2)),
      broadcastId: inBroadcast ? BROADCAST : null,
    } satisfies EventOf<'MessageAccepted'>,
    {
      ...base,
      type: 'MessageRouted',
      eventId: id(2),
      occurredAt: at + 10,
      channel: 'sms',
      from: null,
      text: 'hi',
      priority: 'normal',
      providerId: 'sim',
      attempt: 1,
      expiresAt: null,
      notBefore: null,
      lastErrorCode: null,
      lastErrorMessage: null,
    } satisfies EventOf<'MessageRouted'>,
  ];
  if (outcome === 'failed') {
    events.push({
      ...base,
      type: 'MessageFailed',
      eventId: id(3),
      occurredAt: at + 20,
      providerId: 'sim',
      errorCode: 'sim:refused',
      errorMessage: 'refused',
    });
    return events;
  }
  events.push({
    ...base,
    type: 'MessageSent',
    eventId: id(3),
    occurredAt: at + 20,
    providerId: 'sim',
    providerMessageId: `pm-${index}`,
    attempt: 1,
    latencyMs: 40 + index,
  });
  const report = { ...base, occurredAt: at + 60_000, providerId: 'sim', providerMessageId: `pm-${index}` };
  events.push(
    outcome === 'delivered'
      ? { ...report, type: 'MessageDelivered', eventId: id(4), providerStatus: 'delivered' }
      : {
          ...report,
          type: 'MessageUndelivered',
          eventId: id(4),
          errorCode: 'sim:30003',
          errorMessage: 'unreachable',
        },
  );
  return events;
}

type Table = Map<string, Record<string, number>>;

/** Adds keyed deltas to an in-memory table the way the SQL upserts do, deleting rows that reach zero. */
function addTo(table: Table, key: string, delta: Record<string, number>, deleteAtZero = false) {
  const row = table.get(key) ?? {};
  for (const [name, value] of Object.entries(delta)) row[name] = (row[name] ?? 0) + value;
  if (deleteAtZero && Object.values(row).every((value) => value === 0)) table.delete(key);
  else table.set(key, row);
}

/** Folds events batch by batch, as the projector does, and keeps the counting read models. */
function project(batches: readonly (readonly HeraldEvent[])[]) {
  const states = new Map<string, StoredMessage>();
  const usage: Table = new Map();
  const counts: Table = new Map();
  const health: Table = new Map();
  for (const events of batches) {
    const batch = foldEvents(states, events);
    for (const change of batch.changes) states.set(change.after.state.id, change.after);
    for (const { tenantId, day, channel, ...figures } of usageDeltas(batch.changes))
      addTo(usage, `${tenantId}/${day}/${channel}`, figures);
    for (const row of broadcastDeltas(batch.changes).counts)
      addTo(counts, `${row.broadcastId}/${row.status}`, { messages: row.messages }, true);
    for (const { providerId, minute, latencyMsMax, ...figures } of providerHealthRows(events)) {
      addTo(health, `${providerId}/${minute}`, figures);
      const row = health.get(`${providerId}/${minute}`) ?? {};
      row.max = Math.max(row.max ?? 0, latencyMsMax);
    }
  }
  return { states, usage, counts, health };
}

const sorted = (table: Table) => [...table].sort(([a], [b]) => a.localeCompare(b));

const scenario = fc
  .array(fc.tuple(fc.constantFrom('delivered', 'undelivered', 'failed' as const), fc.boolean()), {
    minLength: 1,
    maxLength: 12,
  })
  .chain((messages) => {
    const events = messages.flatMap(([outcome, inBroadcast], index) =>
      lifecycle(index, outcome, inBroadcast),
    );
    return fc.record({
      events: fc.constant(events),
      order: fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
      cuts: fc.array(fc.integer({ min: 1, max: events.length }), { maxLength: 6 }),
    });
  });

const inBatches = (events: readonly HeraldEvent[], cuts: readonly number[]) => {
  const points = [...new Set([0, ...cuts, events.length])].sort((a, b) => a - b);
  return points.slice(1).map((end, i) => events.slice(points[i], end));
};

test('counting read models reach the same figures whatever the event order and batching', (t) => {
  fc.assert(
    fc.property(scenario, ({ events, order, cuts }) => {
      const reference = project([events]);
      const scrambled = project(inBatches(order, cuts));
      t.deepEqual(sorted(scrambled.usage), sorted(reference.usage));
      t.deepEqual(sorted(scrambled.counts), sorted(reference.counts));
      t.deepEqual(sorted(scrambled.health), sorted(reference.health));
      t.deepEqual([...scrambled.states].sort(), [...reference.states].sort());
    }),
    { numRuns: 200 },
  );
});

test('usage figures are the sum of what each final message state contributes', (t) => {
  const outcomes = ['delivered', 'undelivered', 'failed'] as const;
  const events = [0, 1, 2, 3, 4, 5].flatMap((i) => lifecycle(i, outcomes[i % 3] ?? 'failed', false));
  const { usage, states } = project([events]);
  const expected: Table = new Map();
  for (const { state } of states.values()) {
    const contribution = usageOf(state);
    if (!contribution) continue;
    const { tenantId, day, channel, ...figures } = contribution;
    addTo(expected, `${tenantId}/${day}/${channel}`, figures);
  }
  t.deepEqual(sorted(usage), sorted(expected));
  // Failed messages were never taken by a provider: no spend; undelivered ones were and are charged.
  const spend = [...usage.values()].reduce((sum, row) => sum + (row.spendMicros ?? 0), 0);
  t.is(
    spend,
    [0, 1, 3, 4].reduce((sum, i) => sum + 5000 * (1 + (i % 2)), 0),
  );
});

test('a message known only from provider events counts nowhere until it is accepted', (t) => {
  const [accepted, ...rest] = lifecycle(1, 'delivered', true);
  const early = project([rest]);
  t.is(early.usage.size, 0);
  t.is(early.counts.size, 0);
  const later = project([rest, accepted ? [accepted] : []]);
  t.deepEqual(sorted(later.counts), [[`${BROADCAST}/delivered`, { messages: 1 }]]);
});

test('days and minutes are UTC', (t) => {
  t.is(utcDay(Date.UTC(2025, 0, 1, 23, 59, 59, 999)), '2025-01-01');
  t.is(minuteOf(Date.UTC(2025, 0, 1, 10, 7, 59, 999)), Date.UTC(2025, 0, 1, 10, 7));
});
