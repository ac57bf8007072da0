import test from 'ava';
import type { ExecutionContext } from 'ava';
import { TwilioTransport } from '../../src/index.js';
import type { OutboundMessage, TwilioTransportOptions } from '../../src/index.js';
import { refusedPortUrl, startVendorServer } from '../vendor-server.js';
import type { RecordedRequest, VendorReply, VendorServer } from '../vendor-server.js';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'test-auth-token';
const EXPECTED_AUTH = `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`;
const MESSAGES_PATH = `/2010-04-01/Accounts/${SID}/Messages.json`;

const MESSAGE: OutboundMessage = {
  messageId: 'msg-1',
  tenantId: 'tenant-1',
  channel: 'sms',
  to: '+15558675310',
  from: null,
  text: 'Hello world & friends',
  statusCallbackUrl: 'https://herald.example/callbacks/twilio?tenant=t1',
};

const CREATED: VendorReply = {
  status: 201,
  body: JSON.stringify({ sid: 'SM0123456789abcdef0123456789abcdef', status: 'queued', to: MESSAGE.to }),
};

function twilioError(
  status: number,
  code: number,
  message: string,
  headers?: Record<string, string>,
): VendorReply {
  const body = JSON.stringify({
    code,
    message,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  });
  return headers === undefined ? { status, body } : { status, body, headers };
}

async function setup(
  t: ExecutionContext,
  reply: (request: RecordedRequest) => VendorReply,
  options: Partial<TwilioTransportOptions> = {},
): Promise<{ vendor: VendorServer; transport: TwilioTransport }> {
  const vendor = await startVendorServer(reply);
  const transport = new TwilioTransport({
    accountSid: SID,
    authToken: TOKEN,
    baseUrl: vendor.baseUrl,
    from: '+15017122661',
    timeoutMs: 2_000,
    ...options,
  });
  t.teardown(async () => {
    await vendor.close();
    await transport.close();
  });
  return { vendor, transport };
}

test('sends exactly the documented create-Message request', async (t) => {
  const { vendor, transport } = await setup(t, () => CREATED);
  await transport.send(MESSAGE);
  t.is(vendor.requests.length, 1);
  const [request] = vendor.requests;
  t.is(request?.method, 'POST');
  t.is(request?.url, MESSAGES_PATH);
  t.is(request?.headers.authorization, EXPECTED_AUTH);
  t.is(request?.headers['content-type'], 'application/x-www-form-urlencoded');
  t.is(
    request?.body,
    'To=%2B15558675310&From=%2B15017122661&Body=Hello+world+%26+friends' +
      '&StatusCallback=https%3A%2F%2Fherald.example%2Fcallbacks%2Ftwilio%3Ftenant%3Dt1',
  );
});

test('maps 201 with sid and status to a successful result', async (t) => {
  const { transport } = await setup(t, () => CREATED);
  t.deepEqual(await transport.send(MESSAGE), {
    ok: true,
    providerMessageId: 'SM0123456789abcdef0123456789abcdef',
    status: 'queued',
  });
});

test("a message's own sender wins and StatusCallback is omitted when there is none", async (t) => {
  const { vendor, transport } = await setup(t, () => CREATED);
  await transport.send({ ...MESSAGE, from: '+15550001111', statusCallbackUrl: null });
  t.is(vendor.requests[0]?.body, 'To=%2B15558675310&From=%2B15550001111&Body=Hello+world+%26+friends');
});

test('sends MessagingServiceSid when configured without a From', async (t) => {
  const { vendor, transport } = await setup(t, () => CREATED, {
    from: undefined,
    messagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
  });
  await transport.send({ ...MESSAGE, statusCallbackUrl: null });
  t.is(
    vendor.requests[0]?.body,
    'To=%2B15558675310&MessagingServiceSid=MG0123456789abcdef0123456789abcdef&Body=Hello+world+%26+friends',
  );
});

test('addresses WhatsApp recipients and senders with the whatsapp: prefix', async (t) => {
  const { vendor, transport } = await setup(t, () => CREATED);
  await transport.send({ ...MESSAGE, channel: 'whatsapp', statusCallbackUrl: null });
  t.is(
    vendor.requests[0]?.body,
    'To=whatsapp%3A%2B15558675310&From=whatsapp%3A%2B15017122661&Body=Hello+world+%26+friends',
  );
});

test('refuses Telegram without calling Twilio', async (t) => {
  const { vendor, transport } = await setup(t, () => CREATED);
  const result = await transport.send({ ...MESSAGE, channel: 'telegram' });
  t.like(result, { ok: false, retryable: false, errorCode: 'unsupported_channel' });
  t.is(vendor.requests.length, 0);
});

test('keeps a base path prefix in front of the API path', async (t) => {
  const vendor = await startVendorServer(() => CREATED);
  const transport = new TwilioTransport({
    accountSid: SID,
    authToken: TOKEN,
    baseUrl: `${vendor.baseUrl}/twilio/`,
    from: '+15017122661',
    timeoutMs: 2_000,
  });
  t.teardown(async () => {
    await vendor.close();
    await transport.close();
  });
  await transport.send(MESSAGE);
  t.is(vendor.requests[0]?.url, `/twilio${MESSAGES_PATH}`);
});

const PERMANENT: ReadonlyArray<[number, number, string]> = [
  [400, 21211, "The 'To' number +1555 is not a valid phone number."],
  [400, 21610, 'Attempt to send to unsubscribed recipient'],
  [400, 21408, 'Permission to send an SMS has not been enabled for the region indicated by the To number'],
  [400, 21614, "'To' number is not a valid mobile number"],
  [401, 20003, 'Authenticate'],
];

for (const [status, code, message] of PERMANENT) {
  test(`maps HTTP ${status} with Twilio code ${code} to a permanent twilio_${code}`, async (t) => {
    const { transport } = await setup(t, () => twilioError(status, code, message));
    t.deepEqual(await transport.send(MESSAGE), {
      ok: false,
      retryable: false,
      errorCode: `twilio_${code}`,
      errorMessage: message,
    });
  });
}

test('maps 429 to retryable and honours Retry-After', async (t) => {
  const { transport } = await setup(t, () =>
    twilioError(429, 20429, 'Too Many Requests', { 'retry-after': '3' }),
  );
  t.deepEqual(await transport.send(MESSAGE), {
    ok: false,
    retryable: true,
    errorCode: 'twilio_20429',
    errorMessage: 'Too Many Requests',
    retryAfterMs: 3_000,
  });
});

test('maps 500 with a Twilio body to retryable', async (t) => {
  const { transport } = await setup(t, () => twilioError(500, 20500, 'Internal Server Error'));
  t.deepEqual(await transport.send(MESSAGE), {
    ok: false,
    retryable: true,
    errorCode: 'twilio_20500',
    errorMessage: 'Internal Server Error',
  });
});

test('maps a 503 from a proxy (no Twilio body) to a retryable http_503', async (t) => {
  const { transport } = await setup(t, () => ({ status: 503, body: 'upstream unavailable' }));
  t.like(await transport.send(MESSAGE), { ok: false, retryable: true, errorCode: 'http_503' });
});

test('a 2xx without a sid is permanent, because retrying could send twice', async (t) => {
  const { transport } = await setup(t, () => ({ status: 201, body: '{"status":"queued"}' }));
  t.like(await transport.send(MESSAGE), {
    ok: false,
    retryable: false,
    errorCode: 'twilio_invalid_response',
  });
});

test('maps a refused connection to a retryable network_error', async (t) => {
  const transport = new TwilioTransport({
    accountSid: SID,
    authToken: TOKEN,
    baseUrl: await refusedPortUrl(),
    from: '+15017122661',
    timeoutMs: 2_000,
  });
  t.teardown(() => transport.close());
  const result = await transport.send(MESSAGE);
  t.like(result, { ok: false, retryable: true, errorCode: 'network_error' });
  t.regex(result.ok ? '' : result.errorMessage, /ECONNREFUSED/);
});

test('maps a server that never answers to a retryable timeout after timeoutMs', async (t) => {
  const { transport } = await setup(t, () => 'hang', { timeoutMs: 150 });
  const started = performance.now();
  const result = await transport.send(MESSAGE);
  const elapsed = performance.now() - started;
  t.like(result, { ok: false, retryable: true, errorCode: 'timeout' });
  t.true(elapsed >= 140 && elapsed < 1_500, `took ${elapsed} ms`);
});

test("reports the caller's abort as aborted, not as a timeout", async (t) => {
  const { transport } = await setup(t, () => 'hang');
  const controller = new AbortController();
  const pending = transport.send(MESSAGE, controller.signal);
  controller.abort();
  t.like(await pending, { ok: false, retryable: true, errorCode: 'aborted' });
});

test('reuses its keep-alive connection instead of reconnecting per send', async (t) => {
  // One connection allowed: without keep-alive each send would open a new socket.
  const { vendor, transport } = await setup(t, () => CREATED, { connections: 1 });
  for (let i = 0; i < 5; i += 1) await transport.send(MESSAGE);
  t.is(vendor.requests.length, 5);
  t.is(vendor.connectionCount(), 1);
});

test('sending after close is a programming error', async (t) => {
  const { transport } = await setup(t, () => CREATED);
  await transport.close();
  await t.throwsAsync(() => transport.send(MESSAGE), { message: /after close/ });
});

test('rejects bad options at construction, naming the option', (t) => {
  const base = { accountSid: SID, authToken: TOKEN, from: '+15017122661', timeoutMs: 1_000 };
  t.throws(() => new TwilioTransport({ ...base, timeoutMs: 0 }), { message: /'timeoutMs'/ });
  t.throws(() => new TwilioTransport({ ...base, authToken: '' }), { message: /'authToken'/ });
  t.throws(() => new TwilioTransport({ ...base, baseUrl: 'ftp://x' }), { message: /'baseUrl'/ });
  t.throws(() => new TwilioTransport({ ...base, from: undefined }), {
    message: /'from' or 'messagingServiceSid'/,
  });
});
