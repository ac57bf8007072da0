import test from 'ava';
import { formatCredits, parseCredits } from '../src/credit-amounts.js';
import { addCreditsBody, createTenantBody, patchTenantBody } from '../src/routes/admin.js';

test('credit amounts parse exactly to micro-credits from strings and numbers', (t) => {
  t.is(parseCredits('12.5'), 12_500_000);
  t.is(parseCredits(12.5), 12_500_000);
  t.is(parseCredits('0.000001'), 1);
  t.is(parseCredits(0.1), 100_000, 'no binary float error');
  t.is(parseCredits('100'), 100_000_000);
  for (const bad of [
    '0.0000001',
    '-1',
    '1e3',
    'abc',
    '',
    '1.',
    '.5',
    1e-7,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ])
    t.is(parseCredits(bad), null, String(bad));
});

test('micro-credits format as decimal credits without trailing zeros', (t) => {
  t.is(formatCredits(12_500_000), '12.5');
  t.is(formatCredits(0), '0');
  t.is(formatCredits(1), '0.000001');
  t.is(formatCredits(-3_000_000), '-3');
  for (const micros of [1, 999_999, 1_000_001, 123_456_789])
    t.is(parseCredits(formatCredits(micros)), micros);
});

test('a credits body needs exactly one positive amount', (t) => {
  t.deepEqual(addCreditsBody.parse({ amount: '2.5', reference: 'inv-1' }), {
    micros: 2_500_000,
    reference: 'inv-1',
  });
  t.deepEqual(addCreditsBody.parse({ amount_micros: 7 }), { micros: 7, reference: null });
  for (const bad of [
    {},
    { amount: '1', amount_micros: 1 },
    { amount: '0' },
    { amount_micros: -5 },
    { amount: 'lots' },
    { amount: 1, extra: 1 },
  ])
    t.false(addCreditsBody.safeParse(bad).success, JSON.stringify(bad));
});

test('tenant bodies refuse unknown fields, bad slugs and empty patches', (t) => {
  t.true(createTenantBody.safeParse({ id: 'acme-2', name: 'Acme' }).success);
  for (const id of ['Acme', '-acme', 'acme-', 'a_b', ''])
    t.false(createTenantBody.safeParse({ id, name: 'x' }).success, id);
  t.false(createTenantBody.safeParse({ id: 'acme', name: 'x', plan: 'gold' }).success);
  t.true(patchTenantBody.safeParse({ burst: null }).success);
  t.false(patchTenantBody.safeParse({}).success);
  t.false(patchTenantBody.safeParse({ status: 'deleted' }).success);
  t.false(patchTenantBody.safeParse({ burst: 0 }).success);
});
