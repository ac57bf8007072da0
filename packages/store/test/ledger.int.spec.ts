import { randomUUID } from 'node:crypto';
import anyTest from 'ava';
import type { TestFn } from 'ava';
import { createTestDatabase, requireServices } from '@herald/testkit';
import {
  addCreditsEntry,
  createPool,
  holdCreditsForMessages,
  inTransaction,
  listLedgerEntries,
  migrate,
  readBalance,
  settleCredits,
} from '../src/index.js';
import type { CreditHold, Pool } from '../src/index.js';
import { dropWhenDisconnected } from './database.js';

const test = anyTest as TestFn<{ pool: Pool; drop: () => Promise<void> }>;

const NOW = Date.parse('2025-01-01T00:00:00Z');
const CREDIT = 1_000_000;

test.before(async (t) => {
  const database = await createTestDatabase(await requireServices());
  const pool = createPool(database.url, 60);
  await migrate(pool);
  t.context = { pool, drop: () => dropWhenDisconnected(database) };
});

test.after.always(async (t) => {
  await t.context.pool?.end();
  await t.context.drop?.();
});

const tenant = () => `t-${randomUUID().slice(0, 8)}`;
const hold = (tenantId: string, amount: number, messageId = randomUUID()): CreditHold => ({
  tenantId,
  messageId,
  amount,
  channel: 'sms',
});

async function topUp(pool: Pool, tenantId: string, amount: number) {
  const added = await addCreditsEntry(pool, tenantId, { amount, reference: 'test', now: NOW });
  if (!added.ok) throw new Error(added.message);
  return added;
}

test('a tenant without an account has nothing', async (t) => {
  t.deepEqual(await readBalance(t.context.pool, tenant()), { balance: 0, held: 0, available: 0 });
});

test('added credits show in the balance and the ledger; a non-positive amount is refused', async (t) => {
  const { pool } = t.context;
  const id = tenant();
  await topUp(pool, id, 5 * CREDIT);
  const second = await topUp(pool, id, 2_500_000);
  t.deepEqual(second.balance, { balance: 7_500_000, held: 0, available: 7_500_000 });
  t.deepEqual(await readBalance(pool, id), second.balance);
  const refused = await addCreditsEntry(pool, id, { amount: 0, reference: null, now: NOW });
  t.like(refused, { ok: false, code: 'invalid_amount' });
  const entries = await listLedgerEntries(pool, id, 10);
  t.deepEqual(
    entries.map((e) => [e.kind, e.amount, e.reference]),
    [
      ['credits_added', 2_500_000, 'test'],
      ['credits_added', 5 * CREDIT, 'test'],
    ],
  );
});

test('50 concurrent holds against a balance for 20 hold exactly 20 and never overdraw', async (t) => {
  const { pool } = t.context;
  const id = tenant();
  await topUp(pool, id, 20 * CREDIT);
  const outcomes = await Promise.all(
    Array.from({ length: 50 }, () =>
      inTransaction(pool, async (client) => {
        const request = hold(id, CREDIT);
        const result = await holdCreditsForMessages(client, [request], NOW);
        return result.get(request.messageId);
      }),
    ),
  );
  t.is(outcomes.filter((o) => o?.ok === true).length, 20);
  const refused = outcomes.filter((o) => o?.ok === false);
  t.is(refused.length, 30);
  t.true(refused.every((o) => o?.ok === false && o.code === 'insufficient_credits' && o.available === 0));
  t.deepEqual(await readBalance(pool, id), { balance: 20 * CREDIT, held: 20 * CREDIT, available: 0 });
});

test('a batch holds in order against one balance and answers per message', async (t) => {
  const { pool } = t.context;
  const id = tenant();
  const other = tenant();
  await topUp(pool, id, 3 * CREDIT);
  await topUp(pool, other, CREDIT);
  const batch = [hold(id, 2 * CREDIT), hold(other, CREDIT), hold(id, 2 * CREDIT), hold(id, CREDIT)];
  const outcomes = await inTransaction(pool, (client) => holdCreditsForMessages(client, batch, NOW));
  t.deepEqual(
    batch.map((h) => outcomes.get(h.messageId)),
    [
      { ok: true },
      { ok: true },
      { ok: false, code: 'insufficient_credits', available: CREDIT },
      { ok: true },
    ],
  );
  t.deepEqual(await readBalance(pool, id), { balance: 3 * CREDIT, held: 3 * CREDIT, available: 0 });
  t.deepEqual(await readBalance(pool, other), { balance: CREDIT, held: CREDIT, available: 0 });
});

test('holding the same message twice holds once and answers ok both times', async (t) => {
  const { pool } = t.context;
  const id = tenant();
  await topUp(pool, id, 10 * CREDIT);
  const request = hold(id, 4 * CREDIT);
  const first = await inTransaction(pool, (client) =>
    holdCreditsForMessages(client, [request, request], NOW),
  );
  const again = await inTransaction(pool, (client) => holdCreditsForMessages(client, [request], NOW));
  t.deepEqual(first.get(request.messageId), { ok: true });
  t.deepEqual(again.get(request.messageId), { ok: true });
  t.deepEqual(await readBalance(pool, id), { balance: 10 * CREDIT, held: 4 * CREDIT, available: 6 * CREDIT });
  const held = (await listLedgerEntries(pool, id, 10)).filter((e) => e.kind === 'credits_held');
  t.is(held.length, 1);
});

test('capture spends a hold, release gives it back, and settling again changes nothing', async (t) => {
  const { pool } = t.context;
  const id = tenant();
  await topUp(pool, id, 10 * CREDIT);
  const sent = hold(id, 3 * CREDIT);
  const failed = hold(id, 2 * CREDIT);
  await inTransaction(pool, (client) => holdCreditsForMessages(client, [sent, failed], NOW));
  t.deepEqual(await readBalance(pool, id), { balance: 10 * CREDIT, held: 5 * CREDIT, available: 5 * CREDIT });

  const settlements = [
    { tenantId: id, messageId: sent.messageId, action: 'capture' as const },
    { tenantId: id, messageId: failed.messageId, action: 'release' as const, reason: 'failed' },
  ];
  // The appended entries come back with their amounts and channel, for the projector's counters.
  t.deepEqual(await inTransaction(pool, (client) => settleCredits(client, settlements, NOW + 1000)), [
    { kind: 'credits_captured', amount: 3 * CREDIT, channel: 'sms' },
    { kind: 'credits_released', amount: 2 * CREDIT, channel: 'sms' },
  ]);
  const settled = { balance: 7 * CREDIT, held: 0, available: 7 * CREDIT };
  t.deepEqual(await readBalance(pool, id), settled);

  // Duplicates, a capture after a release, and a message never held: all no-ops.
  const replay = [
    ...settlements,
    { tenantId: id, messageId: failed.messageId, action: 'capture' as const },
    { tenantId: id, messageId: randomUUID(), action: 'capture' as const },
  ];
  t.deepEqual(await inTransaction(pool, (client) => settleCredits(client, replay, NOW + 2000)), []);
  t.deepEqual(await readBalance(pool, id), settled);
  // A settled message cannot be held again either.
  await inTransaction(pool, (client) => holdCreditsForMessages(client, [sent], NOW + 3000));
  t.deepEqual(await readBalance(pool, id), settled);

  const entries = await listLedgerEntries(pool, id, 10);
  const released = entries.find((e) => e.kind === 'credits_released');
  t.like(released, { messageId: failed.messageId, amount: 2 * CREDIT, reason: 'failed', channel: 'sms' });
  t.like(
    entries.find((e) => e.kind === 'credits_captured'),
    { messageId: sent.messageId, amount: 3 * CREDIT, channel: 'sms' },
  );
});

test('a zero-price hold is recorded and costs nothing, even without credits', async (t) => {
  const { pool } = t.context;
  const id = tenant();
  const free = { ...hold(id, 0), channel: 'telegram' };
  const outcomes = await inTransaction(pool, (client) => holdCreditsForMessages(client, [free], NOW));
  t.deepEqual(outcomes.get(free.messageId), { ok: true });
  t.deepEqual(await readBalance(pool, id), { balance: 0, held: 0, available: 0 });
  t.is((await listLedgerEntries(pool, id, 10)).length, 1);
});

test('a hold rolled back with its transaction leaves no trace', async (t) => {
  const { pool } = t.context;
  const id = tenant();
  await topUp(pool, id, CREDIT);
  await t.throwsAsync(
    inTransaction(pool, async (client) => {
      await holdCreditsForMessages(client, [hold(id, CREDIT)], NOW);
      throw new Error('the produce failed');
    }),
    { message: 'the produce failed' },
  );
  t.deepEqual(await readBalance(pool, id), { balance: CREDIT, held: 0, available: CREDIT });
});
