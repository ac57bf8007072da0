import test from 'ava';
import { lagOf } from '../src/index.js';

const partition = (low: string, high: string) => ({ partition: 0, low, high });

test('lag is the end offset minus the committed offset', (t) => {
  t.is(lagOf('40', partition('0', '100')), 60);
  t.is(lagOf('100', partition('0', '100')), 0);
});

test('a group that never committed has every retained record ahead of it', (t) => {
  t.is(lagOf('-1', partition('25', '100')), 75);
  t.is(lagOf('-1', partition('0', '0')), 0);
});

test('a committed offset that retention deleted counts from the earliest retained record', (t) => {
  t.is(lagOf('10', partition('25', '100')), 75);
});

test('a partition Kafka did not report has no lag to show', (t) => {
  t.is(lagOf('5', undefined), 0);
});
