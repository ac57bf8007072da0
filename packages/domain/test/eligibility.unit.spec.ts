import test from 'ava';
import { eligibleProviders, pickWeighted } from '../src/index.js';

const providers = [
  { id: 'us-only', channel: 'sms', weight: 1, prefixes: ['+1'] },
  { id: 'uk-only', channel: 'sms', weight: 1, prefixes: ['44'] },
  { id: 'anywhere', channel: 'sms', weight: 1 },
  { id: 'acme-only', channel: 'sms', weight: 1, tenants: ['acme'] },
  { id: 'disabled', channel: 'sms', weight: 0 },
  { id: 'wa', channel: 'whatsapp', weight: 1 },
];

const ids = (list: { id: string }[]) => list.map((p) => p.id).sort();

test('channel, prefix, tenant and weight decide who may carry a message', (t) => {
  t.deepEqual(ids(eligibleProviders(providers, { channel: 'sms', to: '+14155550100', tenantId: 'demo' })), [
    'anywhere',
    'us-only',
  ]);
  t.deepEqual(ids(eligibleProviders(providers, { channel: 'sms', to: '+447700900123', tenantId: 'acme' })), [
    'acme-only',
    'anywhere',
    'uk-only',
  ]);
  t.deepEqual(
    ids(eligibleProviders(providers, { channel: 'whatsapp', to: '+14155550100', tenantId: 'demo' })),
    ['wa'],
  );
});

test('excluded providers (tried or circuit open) are never eligible', (t) => {
  const left = eligibleProviders(
    providers,
    { channel: 'sms', to: '+14155550100', tenantId: 'demo' },
    new Set(['anywhere']),
  );
  t.deepEqual(ids(left), ['us-only']);
});

test('weights are honoured within 5% over 10,000 picks among eligible providers', (t) => {
  const weighted = [
    { id: 'a', channel: 'sms', weight: 70 },
    { id: 'b', channel: 'sms', weight: 20 },
    { id: 'c', channel: 'sms', weight: 10 },
    { id: 'open-circuit', channel: 'sms', weight: 50 },
  ];
  const eligible = eligibleProviders(
    weighted,
    { channel: 'sms', to: '+1415', tenantId: 't' },
    new Set(['open-circuit']),
  );
  // A seeded linear congruential generator: deterministic, and not a uniform grid.
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const counts = new Map<string, number>();
  for (let i = 0; i < 10_000; i++) {
    const pick = pickWeighted(eligible, random());
    counts.set(pick?.id ?? 'none', (counts.get(pick?.id ?? 'none') ?? 0) + 1);
  }
  t.is(counts.get('open-circuit'), undefined);
  for (const [id, share] of [
    ['a', 0.7],
    ['b', 0.2],
    ['c', 0.1],
  ] as const) {
    const observed = (counts.get(id) ?? 0) / 10_000;
    t.true(Math.abs(observed - share) <= 0.05 * share + 0.005, `${id}: ${observed} vs ${share}`);
  }
});
