import test from 'ava';
import { request } from 'undici';
import { verifyTwilioSignature } from '@herald/transports';
import { startCallbackReceiver } from './support/callback-receiver.js';
import type { ReceivedCallback } from './support/callback-receiver.js';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  eventually,
  message,
  startSimulator,
  twilioTransport,
} from './support/simulator.js';

const MESSAGES_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
const BASIC = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;

const statuses = (received: ReceivedCallback[]): (string | undefined)[] =>
  received.map((c) => c.params.MessageStatus);

async function postForm(baseUrl: string, form: Record<string, string>, authorization = BASIC) {
  const response = await request(`${baseUrl}${MESSAGES_PATH}`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    body: (await response.body.json()) as unknown,
  };
}

test('a message sent with TwilioTransport gets signed sent then delivered callbacks', async (t) => {
  const { sim, transport } = await startSimulator(t);
  const receiver = await startCallbackReceiver();
  t.teardown(() => receiver.close());
  const callbackUrl = receiver.url('/v1/callbacks/twilio?tenant=t1&message=msg-1');

  const result = await transport.send(message({ statusCallbackUrl: callbackUrl }));
  if (!result.ok) return t.fail(`send failed: ${result.errorCode}`);
  t.regex(result.providerMessageId, /^SM[0-9a-f]{32}$/);
  t.is(result.status, 'queued');

  await receiver.waitFor((received) => received.length === 2);
  t.deepEqual(statuses(receiver.received), ['sent', 'delivered']);
  for (const callback of receiver.received) {
    t.is(callback.url, callbackUrl);
    t.is(callback.headers['content-type'], 'application/x-www-form-urlencoded; charset=utf-8');
    const signature = callback.headers['x-twilio-signature'];
    t.true(
      verifyTwilioSignature(
        AUTH_TOKEN,
        callback.url,
        callback.params,
        typeof signature === 'string' ? signature : null,
      ),
    );
    t.false(
      verifyTwilioSignature(
        'another-token',
        callback.url,
        callback.params,
        typeof signature === 'string' ? signature : null,
      ),
    );
    t.like(callback.params, {
      MessageSid: result.providerMessageId,
      SmsSid: result.providerMessageId,
      AccountSid: ACCOUNT_SID,
      To: '+15558675310',
      From: '+15017122661',
      ApiVersion: '2010-04-01',
      SmsStatus: callback.params.MessageStatus,
    });
    t.is(callback.params.ErrorCode, undefined);
  }
  await eventually(() => sim.stats().finalStatuses.delivered === 1);
  t.like(sim.stats(), { accepted: 1, callbacks: { sent: 2, retried: 0, failed: 0, cancelled: 0 } });
});

test('GET returns the message resource with its current status', async (t) => {
  const { server, transport } = await startSimulator(t);
  const result = await transport.send(message({ text: 'x'.repeat(161) }));
  if (!result.ok) return t.fail(`send failed: ${result.errorCode}`);
  const url = `${server.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${result.providerMessageId}.json`;
  // No StatusCallback: the status still advances, observable only by polling, as with Twilio.
  let resource: unknown = null;
  await eventually(async () => {
    const response = await request(url, { headers: { authorization: BASIC } });
    resource = await response.body.json();
    return (
      typeof resource === 'object' &&
      resource !== null &&
      'status' in resource &&
      resource.status === 'delivered'
    );
  });
  t.like(resource, {
    sid: result.providerMessageId,
    account_sid: ACCOUNT_SID,
    to: '+15558675310',
    from: '+15017122661',
    num_segments: '2',
    direction: 'outbound-api',
    uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${result.providerMessageId}.json`,
  });
});

test('GET of an unknown message answers 404 with code 20404', async (t) => {
  const { server } = await startSimulator(t);
  const response = await request(
    `${server.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/SM${'0'.repeat(32)}.json`,
    {
      headers: { authorization: BASIC },
    },
  );
  t.is(response.statusCode, 404);
  t.like(await response.body.json(), { code: 20404, status: 404 });
});

test('wrong credentials get 401 with code 20003, through the transport and on the wire', async (t) => {
  const { sim, server } = await startSimulator(t);
  const wrongToken = twilioTransport(server.url, 'wrong-token');
  t.teardown(() => wrongToken.close());
  t.deepEqual(await wrongToken.send(message()), {
    ok: false,
    retryable: false,
    errorCode: 'twilio_20003',
    errorMessage: 'Authenticate',
  });
  const raw = await postForm(
    server.url,
    { To: '+15558675310', From: '+15017122661', Body: 'hi' },
    'Basic bm9wZQ==',
  );
  t.is(raw.status, 401);
  t.is(raw.headers['www-authenticate'], 'Basic realm="Twilio API"');
  t.deepEqual(raw.body, {
    code: 20003,
    message: 'Authenticate',
    more_info: 'https://www.twilio.com/docs/errors/20003',
    status: 401,
  });
  t.like(sim.stats(), { accepted: 0, rejected: { twilio_20003: 2 } });
});

test('valid credentials for another account are refused too', async (t) => {
  const { server } = await startSimulator(t);
  const response = await request(`${server.url}/2010-04-01/Accounts/ACother/Messages.json`, {
    method: 'POST',
    headers: { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'To=%2B15558675310&From=%2B15017122661&Body=hi',
  });
  t.is(response.statusCode, 401);
  t.like(await response.body.json(), { code: 20003 });
});

const INVALID: ReadonlyArray<[string, Record<string, string>, number]> = [
  ['no To', { From: '+15017122661', Body: 'hi' }, 21604],
  ['neither From nor MessagingServiceSid', { To: '+15558675310', Body: 'hi' }, 21603],
  ['no Body', { To: '+15558675310', From: '+15017122661' }, 21602],
  ['a To that is not E.164', { To: '5558675310', From: '+15017122661', Body: 'hi' }, 21211],
  ['an invalid From', { To: '+15558675310', From: '+1-bad', Body: 'hi' }, 21212],
  [
    'a Body over 1600 characters',
    { To: '+15558675310', From: '+15017122661', Body: 'x'.repeat(1601) },
    21617,
  ],
  [
    'a StatusCallback that is not a URL',
    { To: '+15558675310', From: '+15017122661', Body: 'hi', StatusCallback: 'nope' },
    21609,
  ],
];

for (const [what, form, code] of INVALID) {
  test(`a request with ${what} gets 400 with code ${code}`, async (t) => {
    const { sim, server } = await startSimulator(t);
    const response = await postForm(server.url, form);
    t.is(response.status, 400);
    t.like(response.body, { code, status: 400, more_info: `https://www.twilio.com/docs/errors/${code}` });
    t.like(sim.stats(), { accepted: 0, rejected: { [`twilio_${code}`]: 1 } });
  });
}

test('the transport maps an invalid recipient to a permanent twilio_21211', async (t) => {
  const { transport } = await startSimulator(t);
  t.like(await transport.send(message({ to: '12345' })), {
    ok: false,
    retryable: false,
    errorCode: 'twilio_21211',
  });
});

test('a Messaging Service send starts as accepted', async (t) => {
  const { server } = await startSimulator(t);
  const response = await postForm(server.url, {
    To: '+15558675310',
    MessagingServiceSid: 'MG123',
    Body: 'hi',
  });
  t.is(response.status, 201);
  t.like(response.body, { status: 'accepted', messaging_service_sid: 'MG123' });
});

test('WhatsApp addresses pass through with their prefix', async (t) => {
  const { transport } = await startSimulator(t);
  const receiver = await startCallbackReceiver();
  t.teardown(() => receiver.close());
  const result = await transport.send(
    message({ channel: 'whatsapp', statusCallbackUrl: receiver.url('/wa') }),
  );
  t.true(result.ok);
  await receiver.waitFor((received) => received.length === 2);
  t.like(receiver.received[0]?.params, { To: 'whatsapp:+15558675310', From: 'whatsapp:+15017122661' });
});

test('send latency follows SIM_LATENCY_MS', async (t) => {
  const { transport } = await startSimulator(t, { latencyMs: 200 });
  const started = performance.now();
  t.true((await transport.send(message())).ok);
  t.true(performance.now() - started >= 100, 'at least half the configured latency');
});

test('healthz answers ok', async (t) => {
  const { server } = await startSimulator(t);
  const response = await request(`${server.url}/healthz`);
  t.is(response.statusCode, 200);
  t.deepEqual(await response.body.json(), { status: 'ok' });
});
