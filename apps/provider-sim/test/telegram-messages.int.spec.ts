import test from 'ava';
import { request } from 'undici';
import type { SendResult } from '@herald/transports';
import { TG_TOKEN, chatMessage, startChatSimulator, telegramTransport } from './support/chat-vendors.js';

async function call(baseUrl: string, path: string, body: string, contentType = 'application/json') {
  const response = await request(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return { status: response.statusCode, body: (await response.body.json()) as unknown };
}

test('a message sent with TelegramTransport is delivered at once, ids counting up per chat', async (t) => {
  const { sim, telegram } = await startChatSimulator(t);
  t.deepEqual(await telegram.send(chatMessage('telegram')), {
    ok: true,
    providerMessageId: '987654321:1',
    status: 'delivered',
  });
  t.like(await telegram.send(chatMessage('telegram')), { providerMessageId: '987654321:2' });
  t.like(await telegram.send(chatMessage('telegram', { to: '-1001234567890' })), {
    providerMessageId: '-1001234567890:1',
  });
  t.like(sim.stats(), { accepted: 3, finalStatuses: { delivered: 3 }, callbacks: { sent: 0 } });
});

test('answers with the documented Message: the bot as sender, the chat, the text', async (t) => {
  const { server } = await startChatSimulator(t);
  const answer = await call(
    server.url,
    `/bot${TG_TOKEN}/sendMessage`,
    JSON.stringify({ chat_id: 555, text: 'hi' }),
  );
  t.is(answer.status, 200);
  t.like(answer.body, {
    ok: true,
    result: {
      message_id: 1,
      from: { id: 4242424242, is_bot: true },
      chat: { id: 555, type: 'private' },
      text: 'hi',
    },
  });
});

test('an @channel post is answered with the channel chat and its numeric id, stable per name', async (t) => {
  const { server, telegram } = await startChatSimulator(t);
  const first = await telegram.send(chatMessage('telegram', { to: '@heraldnews' }));
  const second = await telegram.send(chatMessage('telegram', { to: '@HeraldNews' }));
  t.regex(first.ok ? first.providerMessageId : '', /^-100\d{10}:1$/);
  t.is(
    second.ok ? second.providerMessageId.split(':')[0] : '',
    first.ok ? first.providerMessageId.split(':')[0] : 'x',
  );
  const answer = await call(
    server.url,
    `/bot${TG_TOKEN}/sendMessage`,
    JSON.stringify({ chat_id: '@heraldnews', text: 'hi' }),
  );
  t.like(answer.body, {
    result: { chat: { type: 'channel', username: 'heraldnews' }, sender_chat: { type: 'channel' } },
  });
});

test('form-encoded parameters work as well as JSON', async (t) => {
  const { server } = await startChatSimulator(t);
  const answer = await call(
    server.url,
    `/bot${TG_TOKEN}/sendMessage`,
    'chat_id=777&text=hello',
    'application/x-www-form-urlencoded',
  );
  t.like(answer.body, { ok: true, result: { chat: { id: 777 }, text: 'hello' } });
});

test('a wrong bot token gets 401 Unauthorized, through the transport and on the wire', async (t) => {
  const { sim, server } = await startChatSimulator(t);
  const wrong = telegramTransport(server.url, '4242424242:not-the-token');
  t.teardown(() => wrong.close());
  t.deepEqual(await wrong.send(chatMessage('telegram')), {
    ok: false,
    retryable: false,
    errorCode: 'telegram_401',
    errorMessage: 'Unauthorized',
  });
  const raw = await call(server.url, '/botnope/sendMessage', '{"chat_id":1,"text":"x"}');
  t.is(raw.status, 401);
  t.deepEqual(raw.body, { ok: false, error_code: 401, description: 'Unauthorized' });
  t.like(sim.stats(), { accepted: 0, rejected: { telegram_401: 2 } });
});

test('a method the simulator does not offer answers 404 Not Found', async (t) => {
  const { server } = await startChatSimulator(t);
  const answer = await call(server.url, `/bot${TG_TOKEN}/sendPhoto`, '{}');
  t.is(answer.status, 404);
  t.deepEqual(answer.body, { ok: false, error_code: 404, description: 'Not Found' });
});

const INVALID: ReadonlyArray<[string, unknown, string]> = [
  ['no chat_id', { text: 'hi' }, 'Bad Request: chat_id is empty'],
  ['no text', { chat_id: 1 }, 'Bad Request: message text is empty'],
  ['a blank text', { chat_id: 1, text: '  ' }, 'Bad Request: message text is empty'],
  ['a text over 4096 characters', { chat_id: 1, text: 'x'.repeat(4097) }, 'Bad Request: message is too long'],
  ['a chat that cannot exist', { chat_id: 'not a chat', text: 'hi' }, 'Bad Request: chat not found'],
];

for (const [what, body, description] of INVALID) {
  test(`a request with ${what} gets 400 '${description}'`, async (t) => {
    const { sim, server } = await startChatSimulator(t);
    const answer = await call(server.url, `/bot${TG_TOKEN}/sendMessage`, JSON.stringify(body));
    t.is(answer.status, 400);
    t.deepEqual(answer.body, { ok: false, error_code: 400, description });
    t.like(sim.stats(), { accepted: 0, rejected: { telegram_400: 1 } });
  });
}

function label(result: SendResult): string {
  if (result.ok) return 'accepted';
  const after = result.retryAfterMs === undefined ? '' : ` after ${result.retryAfterMs}`;
  return `${result.errorCode}${result.retryable ? ' (retryable)' : ''}${after}`;
}

test('failure rates produce Bot API errors the transport maps, 429 with retry_after', async (t) => {
  const { sim, telegram } = await startChatSimulator(t, {
    temporaryFailureRate: 0.3,
    permanentFailureRate: 0.2,
    seed: 7,
  });
  const counts: Record<string, number> = {};
  for (let i = 0; i < 400; i += 1) {
    const key = label(await telegram.send(chatMessage('telegram')));
    counts[key] = (counts[key] ?? 0) + 1;
  }
  t.deepEqual(Object.keys(counts).sort(), [
    'accepted',
    'telegram_403',
    'telegram_429 (retryable) after 1000',
    'telegram_502 (retryable)',
  ]);
  const temporary =
    (counts['telegram_429 (retryable) after 1000'] ?? 0) + (counts['telegram_502 (retryable)'] ?? 0);
  t.true(Math.abs(temporary - 120) < 40, `temporary failures: ${temporary}`);
  t.true(Math.abs((counts.telegram_403 ?? 0) - 80) < 40, `permanent failures: ${counts.telegram_403 ?? 0}`);
  t.like(sim.stats(), {
    accepted: counts.accepted,
    finalStatuses: { delivered: counts.accepted },
    rejected: {
      injected_telegram_429: counts['telegram_429 (retryable) after 1000'],
      injected_telegram_502: counts['telegram_502 (retryable)'],
      injected_telegram_403: counts.telegram_403,
    },
  });
});

test("Telegram traffic does not shift another vendor's outcomes: each draws from its own stream", async (t) => {
  const rates = { temporaryFailureRate: 0.5, seed: 11 };
  const withTelegramFirst = await startChatSimulator(t, rates);
  const plain = await startChatSimulator(t, rates);
  for (let i = 0; i < 10; i += 1) await withTelegramFirst.telegram.send(chatMessage('telegram'));
  const sequence = async (whatsapp: typeof plain.whatsapp) => {
    const labels: string[] = [];
    for (let i = 0; i < 20; i += 1) labels.push(label(await whatsapp.send(chatMessage('whatsapp'))));
    return labels;
  };
  const expected = await sequence(plain.whatsapp);
  t.true(
    expected.includes('accepted') && expected.some((l) => l !== 'accepted'),
    'the sequence mixes outcomes',
  );
  t.deepEqual(await sequence(withTelegramFirst.whatsapp), expected);
});
