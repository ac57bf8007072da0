import test from 'ava';
import {
  canTransition,
  isTerminal,
  MESSAGE_STATUSES,
  STATUS_DESCRIPTIONS,
  statusRank,
} from '../src/index.js';
import type { MessageStatus } from '../src/index.js';

const pairs = MESSAGE_STATUSES.flatMap((from) => MESSAGE_STATUSES.map((to) => [from, to] as const));

test('every allowed transition goes to a strictly higher rank', (t) => {
  for (const [from, to] of pairs) {
    if (canTransition(from, to)) t.true(statusRank(to) > statusRank(from), `${from} -> ${to}`);
  }
});

test('ranks are distinct, so no status can come back', (t) => {
  t.is(new Set(MESSAGE_STATUSES.map(statusRank)).size, MESSAGE_STATUSES.length);
});

test('transitions are transitive: a skipped status may be reported late', (t) => {
  for (const [a, b] of pairs) {
    for (const c of MESSAGE_STATUSES) {
      if (canTransition(a, b) && canTransition(b, c)) t.true(canTransition(a, c), `${a} -> ${b} -> ${c}`);
    }
  }
});

const successors = (from: MessageStatus) => MESSAGE_STATUSES.filter((to) => canTransition(from, to));

test('each status may be followed by exactly what the lifecycle allows', (t) => {
  t.deepEqual(successors('queued'), [
    'scheduled',
    'sending',
    'sent',
    'delivered',
    'read',
    'undelivered',
    'failed',
    'cancelled',
    'expired',
  ]);
  t.deepEqual(successors('scheduled'), [
    'sending',
    'sent',
    'delivered',
    'read',
    'undelivered',
    'failed',
    'cancelled',
    'expired',
  ]);
  // A routed message can still expire while it waits in a lane or a retry topic; it can no longer be cancelled.
  t.deepEqual(successors('sending'), ['sent', 'delivered', 'read', 'undelivered', 'failed', 'expired']);
  t.deepEqual(successors('sent'), ['delivered', 'read', 'undelivered', 'failed']);
  t.deepEqual(successors('delivered'), ['read']);
  for (const end of ['read', 'undelivered', 'failed', 'cancelled', 'expired'] as const) {
    t.deepEqual(successors(end), [], end);
  }
});

test('cancelled only from queued or scheduled; expired until sent; read after sent or delivered', (t) => {
  const from = (to: MessageStatus) => MESSAGE_STATUSES.filter((status) => canTransition(status, to));
  t.deepEqual(from('cancelled'), ['queued', 'scheduled']);
  t.deepEqual(from('expired'), ['queued', 'scheduled', 'sending']);
  t.deepEqual(from('read'), ['queued', 'scheduled', 'sending', 'sent', 'delivered']);
  t.deepEqual(from('scheduled'), ['queued']);
});

test('a late sent never overwrites delivered, and delivered before sent is accepted', (t) => {
  t.false(canTransition('delivered', 'sent'));
  t.true(canTransition('sending', 'delivered'));
});

test('terminal statuses are never left, except delivered for read', (t) => {
  const terminal = MESSAGE_STATUSES.filter(isTerminal);
  t.deepEqual(terminal, ['delivered', 'read', 'undelivered', 'failed', 'cancelled', 'expired']);
  for (const from of terminal) {
    for (const to of successors(from)) t.deepEqual([from, to], ['delivered', 'read']);
  }
});

test('every status has a description', (t) => {
  for (const status of MESSAGE_STATUSES) t.true(STATUS_DESCRIPTIONS[status].length > 10, status);
});
