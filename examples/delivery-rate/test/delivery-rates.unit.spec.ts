import test from 'ava';
import { DeliveryRates } from '../src/delivery-rates.js';
import type { OutcomeEvent } from '../src/delivery-rates.js';
import { formatTable } from '../src/format.js';

const MINUTE = Date.UTC(2026, 10, 22, 11, 42);
let ids = 0;
const event = (
  outcome: OutcomeEvent['outcome'],
  providerId: string | null,
  occurredAt: number,
): OutcomeEvent => ({
  outcome,
  eventId: `e${++ids}`,
  providerId,
  occurredAt,
});

test('counts outcomes per provider per minute of occurred_at, oldest minute first', (t) => {
  const rates = new DeliveryRates();
  for (const e of [
    event('sent', 'twilio', MINUTE + 1_000),
    event('delivered', 'twilio', MINUTE + 59_999),
    event('sent', 'twilio', MINUTE + 60_000),
    event('failed', 'twilio', MINUTE + 61_000),
    event('sent', 'smpp', MINUTE + 5_000),
    event('undelivered', 'smpp', MINUTE + 6_000),
  ])
    rates.add(e);
  t.deepEqual(rates.rows(), [
    { providerId: 'smpp', minute: MINUTE, sent: 1, delivered: 0, undelivered: 1, failed: 0, deliveryRate: 0 },
    {
      providerId: 'twilio',
      minute: MINUTE,
      sent: 1,
      delivered: 1,
      undelivered: 0,
      failed: 0,
      deliveryRate: 1,
    },
    {
      providerId: 'twilio',
      minute: MINUTE + 60_000,
      sent: 1,
      delivered: 0,
      undelivered: 0,
      failed: 1,
      deliveryRate: 0,
    },
  ]);
});

test('delivery rate is delivered over every reported fate; none reported yet is no rate', (t) => {
  const rates = new DeliveryRates();
  for (const outcome of ['delivered', 'delivered', 'delivered', 'undelivered', 'failed'] as const)
    rates.add(event(outcome, 'p', MINUTE));
  rates.add(event('sent', 'q', MINUTE));
  const [p, q] = rates.rows();
  t.is(p?.deliveryRate, 3 / 5);
  t.is(q?.deliveryRate, null);
});

test('a repeated event id counts once; an event without a provider is not about one', (t) => {
  const rates = new DeliveryRates();
  const delivered = event('delivered', 'p', MINUTE);
  t.truthy(rates.add(delivered));
  t.is(rates.add({ ...delivered }), undefined);
  t.is(rates.add(event('failed', null, MINUTE)), undefined);
  t.deepEqual(
    rates.rows().map((row) => [row.delivered, row.failed]),
    [[1, 0]],
  );
});

test('rows(keys) gives only the minutes that changed', (t) => {
  const rates = new DeliveryRates();
  rates.add(event('sent', 'p', MINUTE));
  const key = rates.add(event('sent', 'q', MINUTE + 120_000));
  t.deepEqual(
    rates.rows(new Set([key ?? ''])).map((row) => row.providerId),
    ['q'],
  );
});

test('the table aligns its columns and shows minutes in UTC', (t) => {
  const rates = new DeliveryRates();
  rates.add(event('delivered', 'twilio-primary', MINUTE));
  rates.add(event('failed', 'twilio-primary', MINUTE));
  t.is(
    formatTable(rates.rows()),
    [
      'minute (UTC)       provider        sent  delivered  undelivered  failed  delivery rate',
      '2026-11-22T11:42Z  twilio-primary     0          1            0       1          50.0%',
    ].join('\n'),
  );
});
