import test from 'ava';
import type { ExecutionContext } from 'ava';
import { TelegramTransport } from '../../src/index.js';
import type { OutboundMessage, TelegramTransportOptions } from '../../src/index.js';
import { refusedPortUrl, startVendorServer } from '../vendor-server.js';
import type { RecordedRequest, VendorReply, VendorServer } from '../vendor-server.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

const MESSAGE: OutboundMessage = {
  messageId: 'msg-1',
  tenantId: 'tenant-1',
  channel: 'telegram',
  to: '987654321',
  from: 'Herald',
  text: 'Hello *world* <b>& friends</b>',
  statusCallbackUrl: 'https://herald.example/cb',
};

function sent(chatId: number, messageId: number, chatType = 'private'): VendorReply {
  return {
    status: 200,
    body: JSON.stringify({
      ok: true,
      result: {
        message_id: messageId,
        from: { id: 123456789, is_bot: true, first_name: 'Herald', username: 'HeraldBot' },
        chat: { id: chatId, type: chatType },
        date: 1_750_263_773,
        text: MESSAGE.text,
      },
    }),
  };
}

function botError(code: number, description: string, parameters?: Record<string, number>): VendorReply {
  return {
    status: code,
    body: JSON.stringify({ ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) }),
  };
}

async function setup(
  t: ExecutionContext,
  reply: (request: RecordedRequest) => VendorReply,
  options: Partial<TelegramTransportOptions> = {},
): Promise<{ vendor: VendorServer; transport: TelegramTransport }> {
  const vendor = await startVendorServer(reply);
  const transport = new TelegramTransport({
    botToken: TOKEN,
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

test('sends exactly the documented sendMessage request, plain text, no credentials header', async (t) => {
  const { vendor, transport } = await setup(t, () => sent(987654321, 42));
  await transport.send(MESSAGE);
  t.is(vendor.requests.length, 1);
  const [request] = vendor.requests;
  t.is(request?.method, 'POST');
  t.is(request?.url, `/bot${TOKEN}/sendMessage`);
  t.is(request?.headers['content-type'], 'application/json');
  t.is(request?.headers.authorization, undefined);
  t.is(request?.body, '{"chat_id":987654321,"text":"Hello *world* <b>& friends</b>"}');
});

test('group ids are negative numbers and @channel names stay strings', async (t) => {
  const { vendor, transport } = await setup(t, () => sent(-1001234567890, 7, 'channel'));
  await transport.send({ ...MESSAGE, to: '-1001234567890' });
  await transport.send({ ...MESSAGE, to: '@heraldnews' });
  t.is(vendor.requests[0]?.body, `{"chat_id":-1001234567890,"text":${JSON.stringify(MESSAGE.text)}}`);
  t.is(vendor.requests[1]?.body, `{"chat_id":"@heraldnews","text":${JSON.stringify(MESSAGE.text)}}`);
});

test('a sent message is final: delivered, identified by chat id and message id', async (t) => {
  const { transport } = await setup(t, () => sent(987654321, 42));
  t.deepEqual(await transport.send(MESSAGE), {
    ok: true,
    providerMessageId: '987654321:42',
    status: 'delivered',
  });
});

test('an @channel message is identified by the numeric chat id Telegram answers with', async (t) => {
  const { transport } = await setup(t, () => sent(-1001234567890, 7, 'channel'));
  t.like(await transport.send({ ...MESSAGE, to: '@heraldnews' }), {
    ok: true,
    providerMessageId: '-1001234567890:7',
  });
});

test('keeps a base path prefix in front of the bot path', async (t) => {
  const vendor = await startVendorServer(() => sent(1, 1));
  const transport = new TelegramTransport({
    botToken: TOKEN,
    baseUrl: `${vendor.baseUrl}/tg/`,
    timeoutMs: 2_000,
  });
  t.teardown(async () => {
    await vendor.close();
    await transport.close();
  });
  await transport.send(MESSAGE);
  t.is(vendor.requests[0]?.url, `/tg/bot${TOKEN}/sendMessage`);
});

for (const channel of ['sms', 'whatsapp'] as const) {
  test(`refuses channel ${channel} without calling Telegram`, async (t) => {
    const { vendor, transport } = await setup(t, () => sent(1, 1));
    t.like(await transport.send({ ...MESSAGE, channel }), {
      ok: false,
      retryable: false,
      errorCode: 'unsupported_channel',
    });
    t.is(vendor.requests.length, 0);
  });
}

test('a 429 is retryable and carries retry_after in milliseconds', async (t) => {
  const { transport } = await setup(t, () =>
    botError(429, 'Too Many Requests: retry after 35', { retry_after: 35 }),
  );
  t.deepEqual(await transport.send(MESSAGE), {
    ok: false,
    retryable: true,
    errorCode: 'telegram_429',
    errorMessage: 'Too Many Requests: retry after 35',
    retryAfterMs: 35_000,
  });
});

test('a 429 without parameters is still retryable, with no delay to honour', async (t) => {
  const { transport } = await setup(t, () => botError(429, 'Too Many Requests'));
  t.deepEqual(await transport.send(MESSAGE), {
    ok: false,
    retryable: true,
    errorCode: 'telegram_429',
    errorMessage: 'Too Many Requests',
  });
});

const PERMANENT: ReadonlyArray<[number, string]> = [
  [400, 'Bad Request: chat not found'],
  [400, 'Bad Request: message text is empty'],
  [400, 'Bad Request: message is too long'],
  [401, 'Unauthorized'],
  [403, 'Forbidden: bot was blocked by the user'],
  [403, 'Forbidden: bot is not a member of the channel chat'],
  [403, 'Forbidden: user is deactivated'],
  [404, 'Not Found'],
  [409, 'Conflict: terminated by other getUpdates request'],
];

for (const [code, description] of PERMANENT) {
  test(`maps ${code} '${description}' to a permanent telegram_${code}`, async (t) => {
    const { transport } = await setup(t, () => botError(code, description));
    t.deepEqual(await transport.send(MESSAGE), {
      ok: false,
      retryable: false,
      errorCode: `telegram_${code}`,
      errorMessage: description,
    });
  });
}

for (const code of [500, 502, 503]) {
  test(`maps ${code} to a retryable telegram_${code}`, async (t) => {
    const { transport } = await setup(t, () => botError(code, 'Internal Server Error'));
    t.like(await transport.send(MESSAGE), { ok: false, retryable: true, errorCode: `telegram_${code}` });
  });
}

test('names the new chat of a group that became a supergroup', async (t) => {
  const { transport } = await setup(t, () =>
    botError(400, 'Bad Request: group chat was upgraded to a supergroup chat', {
      migrate_to_chat_id: -1009876543210,
    }),
  );
  t.like(await transport.send(MESSAGE), {
    retryable: false,
    errorCode: 'telegram_400',
    errorMessage:
      'Bad Request: group chat was upgraded to a supergroup chat (the group is now chat -1009876543210)',
  });
});

test("maps a proxy's 502 page (no Bot API body) to a retryable http_502", async (t) => {
  const { transport } = await setup(t, () => ({ status: 502, body: '<html>502 Bad Gateway</html>' }));
  t.like(await transport.send(MESSAGE), { ok: false, retryable: true, errorCode: 'http_502' });
});

test('ok without a message_id is permanent, because retrying could post twice', async (t) => {
  const { transport } = await setup(t, () => ({ status: 200, body: '{"ok":true,"result":true}' }));
  t.like(await transport.send(MESSAGE), {
    ok: false,
    retryable: false,
    errorCode: 'telegram_invalid_response',
  });
});

test('maps a refused connection to a retryable network_error', async (t) => {
  const transport = new TelegramTransport({
    botToken: TOKEN,
    baseUrl: await refusedPortUrl(),
    timeoutMs: 2_000,
  });
  t.teardown(() => transport.close());
  t.like(await transport.send(MESSAGE), { ok: false, retryable: true, errorCode: 'network_error' });
});

test('maps a server that never answers to a retryable timeout', async (t) => {
  const { transport } = await setup(t, () => 'hang', { timeoutMs: 150 });
  t.like(await transport.send(MESSAGE), { ok: false, retryable: true, errorCode: 'timeout' });
});

test('reuses its keep-alive connection', async (t) => {
  const { vendor, transport } = await setup(t, () => sent(1, 1), { connections: 1 });
  for (let i = 0; i < 5; i += 1) await transport.send(MESSAGE);
  t.is(vendor.connectionCount(), 1);
});

test('sending after close is a programming error', async (t) => {
  const { transport } = await setup(t, () => sent(1, 1));
  await transport.close();
  await t.throwsAsync(() => transport.send(MESSAGE), { message: /after close/ });
});

test('rejects bad options at construction, naming the option and never echoing the token', (t) => {
  for (const botToken of ['', 'no-colon', '123:has/slash', '123:has space']) {
    const error = t.throws(() => new TelegramTransport({ botToken, timeoutMs: 1_000 }), {
      message: /'botToken'/,
    });
    t.false(botToken !== '' && (error?.message.includes(botToken) ?? false));
  }
  t.throws(() => new TelegramTransport({ botToken: TOKEN, timeoutMs: -1 }), { message: /'timeoutMs'/ });
  t.throws(() => new TelegramTransport({ botToken: TOKEN, timeoutMs: 1_000, baseUrl: 'x' }), {
    message: /'baseUrl'/,
  });
});
