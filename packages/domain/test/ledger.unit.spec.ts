import assert from 'node:assert/strict';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import fc from 'fast-check';
import {
  addCredits,
  availableCredits,
  captureCredits,
  emptyLedger,
  evolveLedger,
  holdCredits,
  releaseCredits,
} from '../src/index.js';
import type { LedgerEntry, LedgerError, LedgerState, Result } from '../src/index.js';

const T0 = 1_750_000_000_000;
const TENANT = 'tenant-1';

const fold = (entries: readonly LedgerEntry[], from: LedgerState = emptyLedger(TENANT)) =>
  entries.reduce(evolveLedger, from);

// Decides and applies, failing the test on a refusal.
function run(t: ExecutionContext, state: LedgerState, result: Result<LedgerEntry[], LedgerError>) {
  if (!result.ok) {
    t.fail(result.error.message);
    return state;
  }
  return fold(result.value, state);
}

const funded = (amount: number) =>
  fold([
    { kind: 'credits_added', entryId: 'a1', tenantId: TENANT, amount, reference: 'inv-1', occurredAt: T0 },
  ]);

test('adding credits raises the balance and what is available', (t) => {
  const result = addCredits(emptyLedger(TENANT), {
    entryId: 'a1',
    amount: 5_000,
    reference: 'inv-1',
    now: T0,
  });
  t.deepEqual(result, {
    ok: true,
    value: [
      {
        kind: 'credits_added',
        entryId: 'a1',
        tenantId: TENANT,
        amount: 5_000,
        reference: 'inv-1',
        occurredAt: T0,
      },
    ],
  });
  const state = run(t, emptyLedger(TENANT), result);
  t.like(state, { balance: 5_000, held: 0 });
  t.is(availableCredits(state), 5_000);
});

test('a hold sets the price aside; capture spends it, release gives it back', (t) => {
  const held = run(
    t,
    funded(10_000),
    holdCredits(funded(10_000), { entryId: 'h1', messageId: 'm1', amount: 3_000, now: T0 }),
  );
  t.like(held, { balance: 10_000, held: 3_000, holds: { m1: { amount: 3_000, status: 'held' } } });
  t.is(availableCredits(held), 7_000);

  const captured = run(t, held, captureCredits(held, { entryId: 'c1', messageId: 'm1', now: T0 + 1 }));
  t.like(captured, { balance: 7_000, held: 0, holds: { m1: { amount: 3_000, status: 'captured' } } });

  const released = run(
    t,
    held,
    releaseCredits(held, { entryId: 'r1', messageId: 'm1', reason: 'cancelled', now: T0 + 1 }),
  );
  t.like(released, { balance: 10_000, held: 0, holds: { m1: { amount: 3_000, status: 'released' } } });
  t.is(availableCredits(released), 10_000);
});

test('a hold larger than what is available is refused and changes nothing', (t) => {
  const state = run(
    t,
    funded(10_000),
    holdCredits(funded(10_000), { entryId: 'h1', messageId: 'm1', amount: 8_000, now: T0 }),
  );
  const refused = holdCredits(state, { entryId: 'h2', messageId: 'm2', amount: 2_001, now: T0 });
  t.false(refused.ok);
  if (!refused.ok) t.is(refused.error.code, 'insufficient_credits');
  t.like(holdCredits(state, { entryId: 'h2', messageId: 'm2', amount: 2_000, now: T0 }), { ok: true });
});

test('a zero hold is allowed with no credits and is recorded', (t) => {
  const result = holdCredits(emptyLedger(TENANT), { entryId: 'h1', messageId: 'm1', amount: 0, now: T0 });
  t.deepEqual(result, {
    ok: true,
    value: [
      { kind: 'credits_held', entryId: 'h1', tenantId: TENANT, messageId: 'm1', amount: 0, occurredAt: T0 },
    ],
  });
  const state = run(t, emptyLedger(TENANT), result);
  t.deepEqual(state.holds, { m1: { amount: 0, status: 'held' } });
  t.like(captureCredits(state, { entryId: 'c1', messageId: 'm1', now: T0 }), {
    ok: true,
    value: [{ amount: 0 }],
  });
});

test('hold, capture and release are idempotent per message', (t) => {
  const held = run(
    t,
    funded(10_000),
    holdCredits(funded(10_000), { entryId: 'h1', messageId: 'm1', amount: 3_000, now: T0 }),
  );
  t.deepEqual(holdCredits(held, { entryId: 'h2', messageId: 'm1', amount: 3_000, now: T0 }), {
    ok: true,
    value: [],
  });
  const captured = run(t, held, captureCredits(held, { entryId: 'c1', messageId: 'm1', now: T0 }));
  t.deepEqual(captureCredits(captured, { entryId: 'c2', messageId: 'm1', now: T0 }), { ok: true, value: [] });
  t.deepEqual(releaseCredits(captured, { entryId: 'r1', messageId: 'm1', reason: 'late', now: T0 }), {
    ok: true,
    value: [],
  });
  t.deepEqual(holdCredits(captured, { entryId: 'h3', messageId: 'm1', amount: 3_000, now: T0 }), {
    ok: true,
    value: [],
  });
  t.deepEqual(captureCredits(held, { entryId: 'c3', messageId: 'm9', now: T0 }), { ok: true, value: [] });
  t.deepEqual(releaseCredits(held, { entryId: 'r3', messageId: 'm9', reason: 'x', now: T0 }), {
    ok: true,
    value: [],
  });
});

test('amounts that are negative, fractional or unsafe are refused; a top-up must be positive', (t) => {
  for (const amount of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
    const hold = holdCredits(funded(10), { entryId: 'h', messageId: 'm', amount, now: T0 });
    t.like(hold, { ok: false, error: { code: 'invalid_amount' } }, `hold ${amount}`);
  }
  for (const amount of [0, -5, 0.1]) {
    const add = addCredits(emptyLedger(TENANT), { entryId: 'a', amount, reference: null, now: T0 });
    t.like(add, { ok: false, error: { code: 'invalid_amount' } }, `add ${amount}`);
  }
});

test('a settlement applied to a state without its hold loaded settles it by the entry amount', (t) => {
  const partial: LedgerState = { tenantId: TENANT, balance: 10_000, held: 3_000, holds: {} };
  const state = evolveLedger(partial, {
    kind: 'credits_captured',
    entryId: 'c1',
    tenantId: TENANT,
    messageId: 'm1',
    amount: 3_000,
    occurredAt: T0,
  });
  t.like(state, { balance: 7_000, held: 0, holds: { m1: { status: 'captured' } } });
});

// --- properties -------------------------------------------------------------------------------

type Command =
  | { op: 'add'; amount: number }
  | { op: 'hold'; message: string; amount: number }
  | { op: 'capture'; message: string }
  | { op: 'release'; message: string };

const message = fc.constantFrom('m1', 'm2', 'm3', 'm4', 'm5');
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant('add' as const), amount: fc.integer({ min: 1, max: 10_000 }) }),
  fc.record({ op: fc.constant('hold' as const), message, amount: fc.integer({ min: 0, max: 6_000 }) }),
  fc.record({ op: fc.constant('capture' as const), message }),
  fc.record({ op: fc.constant('release' as const), message }),
);

function decideCommand(state: LedgerState, cmd: Command, index: number): Result<LedgerEntry[], LedgerError> {
  const entryId = `e${index}`;
  const now = T0 + index;
  switch (cmd.op) {
    case 'add':
      return addCredits(state, { entryId, amount: cmd.amount, reference: null, now });
    case 'hold':
      return holdCredits(state, { entryId, messageId: cmd.message, amount: cmd.amount, now });
    case 'capture':
      return captureCredits(state, { entryId, messageId: cmd.message, now });
    case 'release':
      return releaseCredits(state, { entryId, messageId: cmd.message, reason: 'test', now });
    default: {
      const _exhaustive: never = cmd;
      return _exhaustive;
    }
  }
}

// The holds the store would load for a command: only those of the message it names.
function trimmed(state: LedgerState, cmd: Command): LedgerState {
  const hold = cmd.op === 'add' ? undefined : state.holds[cmd.message];
  return { ...state, holds: cmd.op === 'add' || hold === undefined ? {} : { [cmd.message]: hold } };
}

test('for any commands: balance and available stay non-negative, held is the open holds, credited = balance + captured', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.array(command, { maxLength: 60 }), (commands) => {
        let state = emptyLedger(TENANT);
        let credited = 0;
        let captured = 0;
        for (const [index, cmd] of commands.entries()) {
          const result = decideCommand(state, cmd, index);
          if (!result.ok) {
            assert.equal(result.error.code, 'insufficient_credits');
            continue;
          }
          for (const entry of result.value) {
            if (entry.kind === 'credits_added') credited += entry.amount;
            if (entry.kind === 'credits_captured') captured += entry.amount;
            const next = evolveLedger(state, entry);
            // Top-ups are deduplicated by entry id in the store; holds and settlements by message.
            if (entry.kind !== 'credits_added')
              assert.deepEqual(
                evolveLedger(next, entry),
                next,
                'a hold or settlement applied twice counts once',
              );
            state = next;
          }
          const open = Object.values(state.holds).filter((hold) => hold.status === 'held');
          assert.ok(state.balance >= 0 && availableCredits(state) >= 0);
          assert.equal(
            state.held,
            open.reduce((sum, hold) => sum + hold.amount, 0),
          );
          assert.equal(credited, state.balance + captured);
        }
      }),
      { numRuns: 500 },
    ),
  );
});

test('with only the named message’s hold loaded, every command decides and folds the same totals', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        let state = emptyLedger(TENANT);
        for (const [index, cmd] of commands.entries()) {
          const full = decideCommand(state, cmd, index);
          const partialState = trimmed(state, cmd);
          const partial = decideCommand(partialState, cmd, index);
          assert.deepEqual(partial, full);
          if (!full.ok) continue;
          const fromPartial = fold(full.value, partialState);
          state = fold(full.value, state);
          assert.equal(fromPartial.balance, state.balance);
          assert.equal(fromPartial.held, state.held);
        }
      }),
      { numRuns: 500 },
    ),
  );
});

test('hold then capture spends exactly the hold; hold then release restores the ledger', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (funds, price) => {
          const start = funds === 0 ? emptyLedger(TENANT) : funded(funds);
          const hold = holdCredits(start, { entryId: 'h', messageId: 'm', amount: price, now: T0 });
          if (!hold.ok) {
            assert.ok(price > funds);
            return;
          }
          const held = fold(hold.value, start);
          const capture = captureCredits(held, { entryId: 'c', messageId: 'm', now: T0 });
          const release = releaseCredits(held, { entryId: 'r', messageId: 'm', reason: 'x', now: T0 });
          assert.ok(capture.ok && release.ok);
          const spent = fold(capture.value, held);
          const restored = fold(release.value, held);
          assert.deepEqual([spent.balance, spent.held], [start.balance - price, start.held]);
          assert.deepEqual([restored.balance, restored.held], [start.balance, start.held]);
          assert.equal(availableCredits(restored), availableCredits(start));
        },
      ),
      { numRuns: 500 },
    ),
  );
});
