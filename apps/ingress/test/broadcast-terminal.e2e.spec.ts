import anyTest from 'ava';
import type { TestFn } from 'ava';
import { waitFor } from '@herald/testkit';
import type { TestStack } from '@herald/testkit';
import { broadcastAcceptedSchema, broadcastSchema } from '../src/response-schemas.js';
import { TERMINAL, call, startApiStack } from './support/api.js';

const test = anyTest as TestFn<{ stack: TestStack }>;
const RECIPIENTS = 10_000;

test.before(async (t) => {
  t.context.stack = await startApiStack();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

test('a broadcast of 10,000 recipients is accepted whole and every message reaches a terminal status', async (t) => {
  t.timeout(240_000);
  const { stack } = t.context;
  const recipients = Array.from({ length: RECIPIENTS }, (_, i) => `+1555${String(i).padStart(7, '0')}`);
  const answer = await call(stack, 'POST', '/v1/broadcasts', {
    body: { channel: 'sms', recipients, text: 'To all' },
  });
  t.is(answer.status, 202);
  const accepted = broadcastAcceptedSchema.parse(answer.json);
  t.like(accepted, { accepted: RECIPIENTS, rejected: 0, cost: { credits: '100', micros: 100_000_000 } });
  const done = await waitFor(
    'every message of the broadcast to end',
    async () => {
      const { status, json } = await call(stack, 'GET', `/v1/broadcasts/${accepted.id}`);
      if (status !== 200) return undefined;
      const summary = broadcastSchema.parse(json);
      const ended = Object.entries(summary.counts).reduce(
        (sum, [s, n]) => sum + (TERMINAL.has(s) ? n : 0),
        0,
      );
      return summary.total === RECIPIENTS && ended === RECIPIENTS ? summary : undefined;
    },
    { timeoutMs: 170_000, intervalMs: 1000 },
  );
  t.is(done.counts.delivered, RECIPIENTS, 'the simulator delivers everything by default');
});
