import test from 'ava';
import { checkLedger, classifyStatus, describeLedger } from '../src/herald/ledger.js';
import type { LedgerInput } from '../src/herald/ledger.js';

const row = (id: string, status: string, broadcastId: string | null = null) => ({ id, status, broadcastId });

const input = (overrides: Partial<LedgerInput>): LedgerInput => ({
  acceptedIds: [],
  broadcasts: [],
  rows: [],
  duplicateEvents: 0,
  unprojectedBound: 0,
  ...overrides,
});

test('every read-model status is delivered, failed or in flight', (t) => {
  t.deepEqual(
    [
      'delivered',
      'read',
      'undelivered',
      'failed',
      'cancelled',
      'expired',
      'queued',
      'scheduled',
      'sending',
      'sent',
    ].map(classifyStatus),
    [
      'delivered',
      'delivered',
      'failed',
      'failed',
      'failed',
      'failed',
      'inFlight',
      'inFlight',
      'inFlight',
      'inFlight',
    ],
  );
});

test('a drained run balances: accepted = delivered + failed + in flight', (t) => {
  const result = checkLedger(
    input({
      acceptedIds: ['a', 'b', 'c', 'd'],
      rows: [row('a', 'delivered'), row('b', 'read'), row('c', 'undelivered'), row('d', 'sent')],
    }),
  );
  t.like(result, {
    accepted: 4,
    delivered: 2,
    failed: 1,
    inFlight: 1,
    unprojected: 0,
    missing: 0,
    balanced: true,
  });
  t.deepEqual(result.problems, []);
  t.regex(describeLedger(result), /^balanced: 4 accepted = 2 delivered \+ 1 failed \+ 1 in flight/);
});

test('an accepted message absent from the read model is lost unless the projector lag covers it', (t) => {
  const absent = input({ acceptedIds: ['a', 'b', 'c'], rows: [row('a', 'delivered')] });
  const lost = checkLedger(absent);
  t.like(lost, { missing: 2, unprojected: 0, balanced: false });
  t.regex(describeLedger(lost), /^NOT BALANCED \(2 accepted messages missing/);

  const covered = checkLedger({ ...absent, unprojectedBound: 5 });
  t.like(covered, { missing: 0, unprojected: 2, balanced: true });

  const partly = checkLedger({ ...absent, unprojectedBound: 1 });
  t.like(partly, { missing: 1, unprojected: 1, balanced: false });
});

test('an id answered twice and a duplicated event both unbalance the ledger', (t) => {
  const twice = checkLedger(input({ acceptedIds: ['a', 'a'], rows: [row('a', 'delivered')] }));
  t.like(twice, { accepted: 1, duplicateIds: 1, balanced: false });
  const duplicated = checkLedger(
    input({ acceptedIds: ['a'], rows: [row('a', 'delivered')], duplicateEvents: 1 }),
  );
  t.like(duplicated, { duplicateEvents: 1, balanced: false });
});

test('broadcast messages are counted by broadcast id against the accepted count', (t) => {
  const rows = [row('m1', 'delivered', 'b1'), row('m2', 'queued', 'b1'), row('m3', 'failed', 'b1')];
  const whole = checkLedger(input({ broadcasts: [{ id: 'b1', accepted: 3 }], rows }));
  t.like(whole, { accepted: 3, delivered: 1, failed: 1, inFlight: 1, missing: 0, balanced: true });
  const short = checkLedger(input({ broadcasts: [{ id: 'b1', accepted: 4 }], rows }));
  t.like(short, { accepted: 4, missing: 1, balanced: false });
  const extra = checkLedger(input({ broadcasts: [{ id: 'b1', accepted: 2 }], rows }));
  t.false(extra.balanced);
  t.true(extra.problems.some((problem) => problem.includes('beyond the accepted counts')));
});

test('a row no 202 named (a request that failed after producing) is reported, not a failure', (t) => {
  const result = checkLedger(
    input({ acceptedIds: ['a'], rows: [row('a', 'delivered'), row('x', 'delivered')] }),
  );
  t.like(result, { unacknowledged: 1, balanced: true });
});
