import test from 'ava';
import type { ExecutionContext } from 'ava';
import type { SendResult } from '@herald/transports';
import type { SimulatorOptionsInput } from '../src/options.js';
import { startCallbackReceiver } from './support/callback-receiver.js';
import { eventually, message, startSimulator } from './support/simulator.js';

const RATES: SimulatorOptionsInput = { temporaryFailureRate: 0.3, permanentFailureRate: 0.2 };

/** Sends `count` messages one after another and reduces each result to a comparable label. */
async function sendSequence(
  t: ExecutionContext,
  input: SimulatorOptionsInput,
  count: number,
): Promise<string[]> {
  const { transport } = await startSimulator(t, input);
  const labels: string[] = [];
  for (let i = 0; i < count; i += 1) labels.push(label(await transport.send(message())));
  return labels;
}

function label(result: SendResult): string {
  if (result.ok) return 'accepted';
  return `${result.errorCode}${result.retryable ? ' (retryable)' : ''}`;
}

function tally(labels: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of labels) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

test('the same seed replays the same outcomes; another seed does not', async (t) => {
  const first = await sendSequence(t, { ...RATES, seed: 42 }, 60);
  const replay = await sendSequence(t, { ...RATES, seed: 42 }, 60);
  const other = await sendSequence(t, { ...RATES, seed: 43 }, 60);
  t.deepEqual(replay, first);
  t.notDeepEqual(other, first);
});

test('failure rates produce each documented answer in roughly the configured share', async (t) => {
  const { sim, transport } = await startSimulator(t, { ...RATES, seed: 7 });
  const labels: string[] = [];
  for (let i = 0; i < 400; i += 1) labels.push(label(await transport.send(message())));
  const counts = tally(labels);
  t.deepEqual(Object.keys(counts).sort(), [
    'accepted',
    'twilio_20429 (retryable)',
    'twilio_20503 (retryable)',
    'twilio_21211',
  ]);
  const temporary = (counts['twilio_20429 (retryable)'] ?? 0) + (counts['twilio_20503 (retryable)'] ?? 0);
  // 400 draws: the binomial standard deviation is about 9, so +-40 is far outside chance.
  t.true(Math.abs(temporary - 120) < 40, `temporary failures: ${temporary}`);
  t.true(Math.abs((counts.twilio_21211 ?? 0) - 80) < 40, `permanent failures: ${counts.twilio_21211 ?? 0}`);
  t.like(sim.stats(), {
    accepted: counts.accepted,
    rejected: {
      injected_429: counts['twilio_20429 (retryable)'],
      injected_503: counts['twilio_20503 (retryable)'],
      injected_21211: counts.twilio_21211,
    },
  });
});

test('a 429 carries Retry-After through to the transport result', async (t) => {
  const { transport } = await startSimulator(t, { temporaryFailureRate: 1, seed: 3 });
  const results: SendResult[] = [];
  for (let i = 0; i < 20; i += 1) results.push(await transport.send(message()));
  const throttled = results.find((result) => !result.ok && result.errorCode === 'twilio_20429');
  t.like(throttled, { ok: false, retryable: true, retryAfterMs: 1_000 });
});

test('an undelivered message gets sent, then undelivered with ErrorCode 30003', async (t) => {
  const { sim, transport } = await startSimulator(t, { undeliveredRate: 1 });
  const receiver = await startCallbackReceiver();
  t.teardown(() => receiver.close());
  t.true((await transport.send(message({ statusCallbackUrl: receiver.url('/cb') }))).ok);
  await receiver.waitFor((received) => received.length === 2);
  t.like(receiver.received[0]?.params, { MessageStatus: 'sent' });
  t.like(receiver.received[1]?.params, { MessageStatus: 'undelivered', ErrorCode: '30003' });
  await eventually(() => sim.stats().finalStatuses.undelivered === 1);
});

test('a failed message gets a single failed callback with ErrorCode 30008', async (t) => {
  const { sim, transport } = await startSimulator(t, { failedRate: 1 });
  const receiver = await startCallbackReceiver();
  t.teardown(() => receiver.close());
  t.true((await transport.send(message({ statusCallbackUrl: receiver.url('/cb') }))).ok);
  await receiver.waitFor((received) => received.length === 1);
  t.like(receiver.received[0]?.params, { MessageStatus: 'failed', ErrorCode: '30008' });
  await eventually(() => sim.stats().finalStatuses.failed === 1);
  t.is(receiver.received.length, 1);
});

test('a callback answered 500 is retried with the same idempotency token until it succeeds', async (t) => {
  const { sim, transport } = await startSimulator(t);
  const receiver = await startCallbackReceiver((_callback, index) => (index < 2 ? 500 : 200));
  t.teardown(() => receiver.close());
  t.true((await transport.send(message({ statusCallbackUrl: receiver.url('/cb') }))).ok);
  await receiver.waitFor((received) =>
    received.some((callback) => callback.params.MessageStatus === 'delivered'),
  );
  t.deepEqual(
    receiver.received.map((callback) => callback.params.MessageStatus),
    ['sent', 'sent', 'sent', 'delivered'],
  );
  const tokens = new Set(
    receiver.received.slice(0, 3).map((callback) => callback.headers['i-twilio-idempotency-token']),
  );
  t.is(tokens.size, 1);
  await eventually(() => sim.stats().finalStatuses.delivered === 1);
  t.like(sim.stats().callbacks, { sent: 2, retried: 2, failed: 0 });
});

test('an unreachable receiver is given up on after the last attempt, and counted', async (t) => {
  const receiver = await startCallbackReceiver();
  const deadUrl = receiver.url('/cb');
  await receiver.close();
  const { sim, transport } = await startSimulator(t, { callbackMaxAttempts: 3 });
  t.true((await transport.send(message({ statusCallbackUrl: deadUrl }))).ok);
  // Both steps (sent, delivered) exhaust their three attempts.
  await eventually(() => sim.stats().callbacks.failed === 2);
  t.like(sim.stats().callbacks, { sent: 0, retried: 4, failed: 2 });
});
