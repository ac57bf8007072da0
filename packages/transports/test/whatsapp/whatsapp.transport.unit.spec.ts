import test from 'ava';
import type { ExecutionContext } from 'ava';
import { WhatsAppTransport, WHATSAPP_ERROR_CODES } from '../../src/index.js';
import type { OutboundMessage, WhatsAppTransportOptions } from '../../src/index.js';
import { refusedPortUrl, startVendorServer } from '../vendor-server.js';
import type { RecordedRequest, VendorReply, VendorServer } from '../vendor-server.js';

const TOKEN = 'EAAtestAccessToken0123';
const PHONE_NUMBER_ID = '106540352242922';
const WAMID = 'wamid.HBgLMTU1NTg2NzUzMTAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA';

const MESSAGE: OutboundMessage = {
  messageId: 'msg-1',
  tenantId: 'tenant-1',
  channel: 'whatsapp',
  to: '+15558675310',
  from: '+15550000003',
  text: 'Hello "world" & friends, see https://example.com',
  statusCallbackUrl: 'https://herald.example/providers/twilio/status?message_id=msg-1',
};

const ACCEPTED: VendorReply = {
  status: 200,
  body: JSON.stringify({
    messaging_product: 'whatsapp',
    contacts: [{ input: '15558675310', wa_id: '15558675310' }],
    messages: [{ id: WAMID }],
  }),
};

function graphError(status: number, code: number, message: string, details?: string): VendorReply {
  const error = {
    message,
    type: 'OAuthException',
    code,
    ...(details === undefined ? {} : { error_data: { messaging_product: 'whatsapp', details } }),
    fbtrace_id: 'AbCdEfGhIjK',
  };
  return { status, body: JSON.stringify({ error }) };
}

async function setup(
  t: ExecutionContext,
  reply: (request: RecordedRequest) => VendorReply,
  options: Partial<WhatsAppTransportOptions> = {},
): Promise<{ vendor: VendorServer; transport: WhatsAppTransport }> {
  const vendor = await startVendorServer(reply);
  const transport = new WhatsAppTransport({
    accessToken: TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
    baseUrl: vendor.baseUrl,
    timeoutMs: 2_000,
    ...options,
  });
  t.teardown(async () => {
    await vendor.close();
    await transport.close();
  });
  return { vendor, transport };
}

test('sends exactly the documented text-message request', async (t) => {
  const { vendor, transport } = await setup(t, () => ACCEPTED);
  await transport.send(MESSAGE);
  t.is(vendor.requests.length, 1);
  const [request] = vendor.requests;
  t.is(request?.method, 'POST');
  t.is(request?.url, `/v23.0/${PHONE_NUMBER_ID}/messages`);
  t.is(request?.headers.authorization, `Bearer ${TOKEN}`);
  t.is(request?.headers['content-type'], 'application/json');
  t.is(
    request?.body,
    '{"messaging_product":"whatsapp","recipient_type":"individual","to":"15558675310","type":"text",' +
      '"text":{"preview_url":false,"body":"Hello \\"world\\" & friends, see https://example.com"}}',
  );
});

test('maps 200 with a wamid to a successful, still queued result', async (t) => {
  const { transport } = await setup(t, () => ACCEPTED);
  t.deepEqual(await transport.send(MESSAGE), { ok: true, providerMessageId: WAMID, status: 'queued' });
});

test('a message held for quality assessment is accepted too', async (t) => {
  const { transport } = await setup(t, () => ({
    status: 200,
    body: JSON.stringify({ messages: [{ id: WAMID, message_status: 'held_for_quality_assessment' }] }),
  }));
  t.like(await transport.send(MESSAGE), { ok: true, providerMessageId: WAMID });
});

test('uses the configured API version and keeps a base path prefix', async (t) => {
  const vendor = await startVendorServer(() => ACCEPTED);
  const transport = new WhatsAppTransport({
    accessToken: TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
    baseUrl: `${vendor.baseUrl}/graph/`,
    apiVersion: 'v21.0',
    timeoutMs: 2_000,
  });
  t.teardown(async () => {
    await vendor.close();
    await transport.close();
  });
  await transport.send(MESSAGE);
  t.is(vendor.requests[0]?.url, `/graph/v21.0/${PHONE_NUMBER_ID}/messages`);
});

for (const channel of ['sms', 'telegram'] as const) {
  test(`refuses channel ${channel} without calling the Cloud API`, async (t) => {
    const { vendor, transport } = await setup(t, () => ACCEPTED);
    t.like(await transport.send({ ...MESSAGE, channel }), {
      ok: false,
      retryable: false,
      errorCode: 'unsupported_channel',
    });
    t.is(vendor.requests.length, 0);
  });
}

// Every code Meta documents, with the HTTP status it documents for it and whether a retry can help.
const DOCUMENTED: Record<number, [number, boolean]> = {
  0: [401, false],
  1: [400, true],
  2: [503, true],
  3: [500, false],
  4: [400, true],
  10: [403, false],
  33: [400, false],
  100: [400, false],
  190: [401, false],
  200: [403, false],
  368: [403, false],
  80007: [400, true],
  130429: [400, true],
  130472: [400, false],
  130497: [403, false],
  131000: [500, true],
  131005: [403, false],
  131008: [400, false],
  131009: [400, false],
  131016: [500, true],
  131021: [400, false],
  131026: [400, false],
  131030: [400, false],
  131031: [403, false],
  131037: [400, false],
  131042: [400, false],
  131045: [400, false],
  131047: [400, false],
  131048: [400, true],
  131049: [400, false],
  131050: [400, false],
  131051: [400, false],
  131052: [400, false],
  131053: [400, false],
  131056: [400, true],
  131057: [500, true],
  132000: [400, false],
  132001: [404, false],
  132005: [400, false],
  132007: [400, false],
  132012: [400, false],
  132015: [400, false],
  132016: [400, false],
  133000: [400, false],
  133004: [503, true],
  133005: [400, false],
  133010: [400, false],
  135000: [400, false],
};

test('the table covers exactly the error codes the transport knows', (t) => {
  t.deepEqual(Object.keys(DOCUMENTED).sort(), Object.keys(WHATSAPP_ERROR_CODES).sort());
});

for (const [code, [status, retryable]] of Object.entries(DOCUMENTED)) {
  test(`maps Graph error ${code} (HTTP ${status}) to ${retryable ? 'a retryable' : 'a permanent'} whatsapp_${code}`, async (t) => {
    const message = `(#${code}) ${WHATSAPP_ERROR_CODES[Number(code)]?.title ?? ''}`;
    const { transport } = await setup(t, () => graphError(status, Number(code), message));
    t.deepEqual(await transport.send(MESSAGE), {
      ok: false,
      retryable,
      errorCode: `whatsapp_${code}`,
      errorMessage: message,
    });
  });
}

test("appends Meta's error details to the message", async (t) => {
  const { transport } = await setup(t, () =>
    graphError(
      400,
      131047,
      'Re-engagement message',
      'Message failed to send because more than 24 hours have passed',
    ),
  );
  t.like(await transport.send(MESSAGE), {
    errorCode: 'whatsapp_131047',
    errorMessage: 'Re-engagement message: Message failed to send because more than 24 hours have passed',
  });
});

test('an undocumented code falls back on the HTTP status', async (t) => {
  const { transport } = await setup(t, (request) =>
    request.body.includes('server')
      ? graphError(500, 999_001, 'new server error')
      : graphError(400, 999_002, 'new client error'),
  );
  t.like(await transport.send({ ...MESSAGE, text: 'server' }), {
    retryable: true,
    errorCode: 'whatsapp_999001',
  });
  t.like(await transport.send({ ...MESSAGE, text: 'client' }), {
    retryable: false,
    errorCode: 'whatsapp_999002',
  });
});

test('maps a 502 from a proxy (no Graph body) to a retryable http_502', async (t) => {
  const { transport } = await setup(t, () => ({ status: 502, body: '<html>Bad Gateway</html>' }));
  t.like(await transport.send(MESSAGE), { ok: false, retryable: true, errorCode: 'http_502' });
});

test('a 2xx without a wamid is permanent, because retrying could send twice', async (t) => {
  const { transport } = await setup(t, () => ({ status: 200, body: '{"messages":[]}' }));
  t.like(await transport.send(MESSAGE), {
    ok: false,
    retryable: false,
    errorCode: 'whatsapp_invalid_response',
  });
});

test('maps a refused connection to a retryable network_error', async (t) => {
  const transport = new WhatsAppTransport({
    accessToken: TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
    baseUrl: await refusedPortUrl(),
    timeoutMs: 2_000,
  });
  t.teardown(() => transport.close());
  const result = await transport.send(MESSAGE);
  t.like(result, { ok: false, retryable: true, errorCode: 'network_error' });
  t.regex(result.ok ? '' : result.errorMessage, /ECONNREFUSED/);
});

test('maps a server that never answers to a retryable timeout', async (t) => {
  const { transport } = await setup(t, () => 'hang', { timeoutMs: 150 });
  t.like(await transport.send(MESSAGE), { ok: false, retryable: true, errorCode: 'timeout' });
});

test('reuses its keep-alive connection', async (t) => {
  const { vendor, transport } = await setup(t, () => ACCEPTED, { connections: 1 });
  for (let i = 0; i < 5; i += 1) await transport.send(MESSAGE);
  t.is(vendor.requests.length, 5);
  t.is(vendor.connectionCount(), 1);
});

test('sending after close is a programming error', async (t) => {
  const { transport } = await setup(t, () => ACCEPTED);
  await transport.close();
  await t.throwsAsync(() => transport.send(MESSAGE), { message: /after close/ });
});

test('rejects bad options at construction, naming the option', (t) => {
  const base = { accessToken: TOKEN, phoneNumberId: PHONE_NUMBER_ID, timeoutMs: 1_000 };
  t.throws(() => new WhatsAppTransport({ ...base, timeoutMs: 0 }), { message: /'timeoutMs'/ });
  t.throws(() => new WhatsAppTransport({ ...base, accessToken: ' ' }), { message: /'accessToken'/ });
  t.throws(() => new WhatsAppTransport({ ...base, phoneNumberId: '+1555' }), { message: /'phoneNumberId'/ });
  t.throws(() => new WhatsAppTransport({ ...base, apiVersion: '23' }), { message: /'apiVersion'/ });
  t.throws(() => new WhatsAppTransport({ ...base, baseUrl: 'ftp://x' }), { message: /'baseUrl'/ });
});
