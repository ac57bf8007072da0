import { Writable } from 'node:stream';
import test from 'ava';
import { derivedEventId } from '@herald/kafka';
import { providerCallbackEvent } from '@herald/store';
import type { MatchedCallback, ProviderCallback, ProviderMessageRef } from '@herald/store';
import { createLogger } from '@herald/telemetry';
import type { StatusUpdate } from '@herald/transports';
import { ReceiptFallback } from '../src/receipt-fallback.js';
import type { FallbackOutcome, ReceiptFallbackDeps } from '../src/receipt-fallback.js';
import { ReceiptRelay, receiptCallback } from '../src/receipts.js';

const message = { messageId: 'f3a1c0de-0000-4000-8000-000000000001', tenantId: 'acme', to: '+14155550100' };

function update(status: StatusUpdate['status'], overrides: Partial<StatusUpdate> = {}): StatusUpdate {
  return {
    providerMessageId: 'smsc-42',
    status,
    errorCode: null,
    errorMessage: null,
    occurredAt: 5_000,
    raw: {},
    ...overrides,
  };
}

/** A logger whose lines the test reads back. */
function capturedLog(): {
  log: ReturnType<typeof createLogger>;
  lines: () => { level: number; msg: string }[];
} {
  const written: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString());
      done();
    },
  });
  return {
    log: createLogger('sender-test', 'debug', sink),
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as { level: number; msg: string }),
  };
}

test('a receipt becomes the callback of its final status, with an id derived from the provider, its id and the status', (t) => {
  const delivered = receiptCallback('smpp-sim', update('delivered', { raw: { stat: 'DELIVRD' } }));
  t.deepEqual(delivered, {
    eventId: derivedEventId('smpp-sim:smsc-42', 'status:delivered'),
    eventType: 'MessageDelivered',
    providerId: 'smpp-sim',
    providerMessageId: 'smsc-42',
    providerStatus: 'DELIVRD',
    errorCode: null,
    errorMessage: null,
    occurredAt: 5_000,
  });
  const undelivered = receiptCallback(
    'smpp-sim',
    update('undelivered', {
      errorCode: 'smpp_err_001',
      errorMessage: 'absent subscriber',
      raw: { stat: 'UNDELIV' },
    }),
  );
  t.like(undelivered, {
    eventType: 'MessageUndelivered',
    providerStatus: 'UNDELIV',
    errorCode: 'smpp_err_001',
    errorMessage: 'absent subscriber',
  });
  t.like(receiptCallback('smpp-sim', update('failed')), {
    eventType: 'MessageFailed',
    providerStatus: 'failed',
    errorCode: 'receipt_without_code',
    errorMessage: 'provider reported failed',
  });
  t.is(receiptCallback('smpp-sim', update('read'))?.eventType, 'MessageRead');
  // The same receipt repeated, or seen by another instance, has the same id; another provider's not.
  t.is(receiptCallback('smpp-sim', update('delivered'))?.eventId, delivered?.eventId);
  t.not(receiptCallback('smpp-other', update('delivered'))?.eventId, delivered?.eventId);
  t.not(undelivered?.eventId, delivered?.eventId);
  for (const status of ['queued', 'sending', 'sent'] as const)
    t.is(receiptCallback('smpp-sim', update(status)), null, `${status} adds nothing`);
});

test('the event of a receipt is the same from memory and from the read model', (t) => {
  const callback = receiptCallback('smpp-sim', update('delivered', { raw: { stat: 'DELIVRD' } }));
  if (callback === null) return t.fail('delivered is a final status');
  const relay = new ReceiptRelay(() => 0);
  relay.remember(
    'smsc-42',
    { ...message, providerId: 'smpp-sim' },
    '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  );
  const known = relay.recall('smpp-sim', 'smsc-42');
  if (known === null) return t.fail('the relay remembers what it was told');
  const fromMemory = providerCallbackEvent(callback, known.message);
  const ref: ProviderMessageRef = {
    ...message,
    providerId: 'smpp-sim',
    providerMessageId: 'smsc-42',
    traceparent: null,
  };
  const fromReadModel = providerCallbackEvent(callback, ref);
  t.deepEqual(fromMemory, fromReadModel);
  t.deepEqual(fromMemory, {
    type: 'MessageDelivered',
    eventId: callback.eventId,
    ...message,
    occurredAt: 5_000,
    providerId: 'smpp-sim',
    providerMessageId: 'smsc-42',
    providerStatus: 'DELIVRD',
  });
  t.is(known.traceparent, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
});

test('the relay forgets sends after its ttl and beyond its capacity, oldest first', (t) => {
  let now = 0;
  const relay = new ReceiptRelay(() => now, 1_000, 2);
  const sent = (id: string) => ({ ...message, messageId: id, providerId: 'smpp-sim' });
  relay.remember('a', sent('a'));
  relay.remember('b', sent('b'));
  relay.remember('c', sent('c'));
  t.is(relay.recall('smpp-sim', 'a'), null, 'beyond capacity');
  t.is(relay.recall('smpp-sim', 'b')?.message.messageId, 'b');
  t.is(relay.recall('smpp-other', 'b'), null, 'ids are per provider');
  now = 1_001;
  t.is(relay.recall('smpp-sim', 'c'), null, 'after the ttl');
});

function callbackFor(providerMessageId: string): ProviderCallback {
  const callback = receiptCallback('smpp-sim', update('delivered', { providerMessageId }));
  if (callback === null) throw new Error('delivered is a final status');
  return callback;
}

/** A fallback over fake store and Kafka sides, recording what each was asked. */
function fakeFallback(overrides: Partial<ReceiptFallbackDeps> & { known?: Set<string> } = {}): {
  fallback: ReceiptFallback;
  lookups: string[][];
  published: string[][];
  outcomes: [string, FallbackOutcome][];
  lines: () => { level: number; msg: string }[];
} {
  const lookups: string[][] = [];
  const published: string[][] = [];
  const outcomes: [string, FallbackOutcome][] = [];
  const { log, lines } = capturedLog();
  const known = overrides.known ?? new Set<string>();
  const fallback = new ReceiptFallback({
    matchOrPark: (callbacks) => {
      lookups.push(callbacks.map((c) => c.providerMessageId));
      const matched: MatchedCallback[] = callbacks
        .filter((c) => known.has(c.providerMessageId))
        .map((callback) => ({
          callback,
          message: {
            ...message,
            providerId: 'smpp-sim',
            providerMessageId: callback.providerMessageId,
            traceparent: null,
          },
        }));
      return Promise.resolve({ matched, parked: callbacks.filter((c) => !known.has(c.providerMessageId)) });
    },
    publish: (matched) => {
      published.push(matched.map(({ callback }) => callback.providerMessageId));
      return Promise.resolve();
    },
    settled: (callback, outcome) => outcomes.push([callback.providerMessageId, outcome]),
    log,
    retryDelaysMs: [1, 1],
    ...overrides,
  });
  return { fallback, lookups, published, outcomes, lines };
}

test('receipts that come together are looked up together; known ones are produced, the rest parked', async (t) => {
  const { fallback, lookups, published, outcomes } = fakeFallback({ known: new Set(['m1', 'm3']) });
  for (const id of ['m1', 'm2', 'm3']) fallback.add(callbackFor(id));
  // The SMSC repeated m1 in the same burst: one lookup entry, one event.
  fallback.add(callbackFor('m1'));
  await fallback.flush();
  t.deepEqual(lookups, [['m1', 'm2', 'm3']]);
  t.deepEqual(published, [['m1', 'm3']]);
  t.deepEqual(outcomes.sort(), [
    ['m1', 'read_model'],
    ['m2', 'parked'],
    ['m3', 'read_model'],
  ]);
  fallback.add(callbackFor('m4'));
  await fallback.flush();
  t.deepEqual(lookups.at(-1), ['m4'], 'a receipt after a drain starts the next one');
});

test('a batch is capped, and receipts that arrive during a lookup share the next one', async (t) => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const lookups: string[][] = [];
  const { fallback } = fakeFallback({
    maxBatch: 2,
    matchOrPark: async (callbacks) => {
      lookups.push(callbacks.map((c) => c.providerMessageId));
      await gate;
      return { matched: [], parked: [...callbacks] };
    },
  });
  for (const id of ['a', 'b', 'c']) fallback.add(callbackFor(id));
  await new Promise((resolve) => setImmediate(resolve));
  fallback.add(callbackFor('d'));
  release();
  await fallback.flush();
  t.deepEqual(lookups, [
    ['a', 'b'],
    ['c', 'd'],
  ]);
});

test('a failed lookup is retried; one that keeps failing loses its receipts loudly', async (t) => {
  let failures = 1;
  const flaky = fakeFallback({
    matchOrPark: (callbacks) => {
      if (failures-- > 0) return Promise.reject(new Error('connection reset'));
      return Promise.resolve({ matched: [], parked: [...callbacks] });
    },
  });
  flaky.fallback.add(callbackFor('x'));
  await flaky.fallback.flush();
  t.deepEqual(flaky.outcomes, [['x', 'parked']]);
  t.true(flaky.lines().some((line) => line.level === 40 && line.msg === 'receipt lookup failed; retrying'));

  const down = fakeFallback({ matchOrPark: () => Promise.reject(new Error('database is down')) });
  down.fallback.add(callbackFor('y'));
  await down.fallback.flush();
  t.deepEqual(down.outcomes, [['y', 'lost']]);
  t.true(
    down
      .lines()
      .some(
        (line) =>
          line.level === 50 &&
          line.msg === 'provider receipt not recorded: looking it up in the read model failed',
      ),
  );
});

test('a matched receipt whose event Kafka refuses is lost loudly, not counted as recorded', async (t) => {
  const { fallback, outcomes, lines } = fakeFallback({
    known: new Set(['k']),
    publish: () => Promise.reject(new Error('broker down')),
  });
  fallback.add(callbackFor('k'));
  await fallback.flush();
  t.deepEqual(outcomes, [['k', 'lost']]);
  t.true(
    lines().some(
      (line) => line.level === 50 && line.msg === 'provider receipt not recorded: producing its event failed',
    ),
  );
});
