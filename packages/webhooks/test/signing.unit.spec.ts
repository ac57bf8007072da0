import test from 'ava';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { generateSecret, headersFor, parseSecret, sign, verify, WebhookSecretError } from '../src/index.js';
import type { WebhookHeaders } from '../src/index.js';

/**
 * A receiver's check written from the Standard Webhooks specification alone, sharing no code
 * with Herald's signing: strip `whsec_`, base64-decode the key, HMAC-SHA256 over
 * `${webhook-id}.${webhook-timestamp}.${body}`, and accept if any `v1,` entry of the
 * space-separated `webhook-signature` header matches.
 */
function receiverAccepts(headers: Record<string, string>, body: string, secret: string): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (id === undefined || timestamp === undefined || signatures === undefined) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, encoded] = entry.split(',');
    if (version !== 'v1' || encoded === undefined) return false;
    const candidate = Buffer.from(encoded, 'base64');
    return candidate.length === expected.length && timingSafeEqual(candidate, expected);
  });
}

const asRecord = (headers: WebhookHeaders): Record<string, string> => ({ ...headers });

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const TIMESTAMP = NOW / 1000;
const BODY = JSON.stringify({
  type: 'message.delivered',
  timestamp: '2025-06-01T12:00:00.000Z',
  data: { message_id: 'a1', text: 'héllo ✓' },
});

test('matches the published Standard Webhooks test vector', (t) => {
  // From standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts ("sign function works").
  const header = sign({
    id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: 1614265330,
    body: '{"test": 2432232314}',
    secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
  });
  t.is(header, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
});

test('a receiver implementing the specification independently accepts our headers', (t) => {
  const secret = generateSecret();
  const headers = headersFor({ id: 'evt_1', timestamp: TIMESTAMP, body: BODY, secrets: [secret] });
  t.is(headers['webhook-id'], 'evt_1');
  t.is(headers['webhook-timestamp'], String(TIMESTAMP));
  t.regex(headers['webhook-signature'], /^v1,[A-Za-z0-9+/]{43}=$/);
  t.true(receiverAccepts(asRecord(headers), BODY, secret));
});

test('during a rotation the old and the new secret both sign, and each alone verifies', (t) => {
  const [oldSecret, newSecret, unrelated] = [generateSecret(), generateSecret(), generateSecret()];
  const headers = headersFor({
    id: 'evt_2',
    timestamp: TIMESTAMP,
    body: BODY,
    secrets: [oldSecret, newSecret],
  });
  t.is(headers['webhook-signature'].split(' ').length, 2);
  t.true(receiverAccepts(asRecord(headers), BODY, oldSecret));
  t.true(receiverAccepts(asRecord(headers), BODY, newSecret));
  t.false(receiverAccepts(asRecord(headers), BODY, unrelated));
});

test('a tampered body, timestamp or id fails verification', (t) => {
  const secret = generateSecret();
  const headers = asRecord(headersFor({ id: 'evt_3', timestamp: TIMESTAMP, body: BODY, secrets: [secret] }));
  t.false(receiverAccepts(headers, BODY.replace('delivered', 'failed'), secret));
  t.false(receiverAccepts({ ...headers, 'webhook-timestamp': String(TIMESTAMP + 1) }, BODY, secret));
  t.false(receiverAccepts({ ...headers, 'webhook-id': 'evt_4' }, BODY, secret));
});

test('generated secrets are whsec_ plus base64 of 32 random bytes', (t) => {
  const first = generateSecret();
  t.regex(first, /^whsec_[A-Za-z0-9+/]{43}=$/);
  t.is(Buffer.from(first.slice('whsec_'.length), 'base64').length, 32);
  t.not(first, generateSecret());
  t.is(parseSecret(first).length, 32);
});

test('secrets are accepted with or without the whsec_ prefix', (t) => {
  t.deepEqual(
    parseSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'),
    parseSecret('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'),
  );
  t.is(parseSecret('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').length, 24);
});

test('secrets that are not base64 or decode to fewer than 24 bytes are refused with a code', (t) => {
  const short = `whsec_${Buffer.alloc(23, 7).toString('base64')}`;
  for (const bad of [
    '',
    'whsec_',
    short,
    'whsec_not base64 at all!!',
    'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS*',
    'abc',
  ]) {
    const error = t.throws(() => parseSecret(bad), { instanceOf: WebhookSecretError }, bad);
    t.is(error?.code, 'invalid_secret');
  }
  t.throws(() => sign({ id: 'evt', timestamp: TIMESTAMP, body: BODY, secrets: [] }), {
    instanceOf: WebhookSecretError,
  });
});

test('verify accepts a fresh signature from any current secret and refuses stale or forged ones', (t) => {
  const [oldSecret, newSecret] = [generateSecret(), generateSecret()];
  const content = { id: 'evt_5', timestamp: TIMESTAMP, body: BODY };
  const signature = sign({ ...content, secrets: [oldSecret, newSecret] });
  t.true(verify({ ...content, signature, secrets: [newSecret], now: NOW }));
  t.true(verify({ ...content, signature, secrets: [newSecret], now: NOW + 299_000 }));
  t.false(verify({ ...content, signature, secrets: [newSecret], now: NOW + 301_000 }));
  t.false(verify({ ...content, signature, secrets: [newSecret], now: NOW - 301_000 }));
  t.false(verify({ ...content, body: `${BODY} `, signature, secrets: [newSecret], now: NOW }));
  t.false(verify({ ...content, signature, secrets: [generateSecret()], now: NOW }));
  t.false(
    verify({ ...content, signature: signature.replaceAll('v1,', 'v2,'), secrets: [newSecret], now: NOW }),
  );
});
