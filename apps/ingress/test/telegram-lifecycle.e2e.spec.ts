import anyTest from 'ava';
import type { TestFn } from 'ava';
import type { TestStack } from '@herald/testkit';
import {
  DEV_TELEGRAM_SECRET,
  query,
  sendMessage,
  startChatStack,
  untilStatus,
} from './support/chat-stack.js';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await startChatStack();
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

test('a Telegram message goes through the Bot API simulator, identified by chat and message id', async (t) => {
  const { stack } = t.context;
  const accepted = await sendMessage(stack, {
    channel: 'telegram',
    to: '123456789',
    text: 'Hello on Telegram',
  });
  t.is(accepted.status, 202);
  const sent = await untilStatus(stack, accepted.json.id, (s) => s === 'sent' || s === 'delivered', 'sent');
  t.is(sent.provider_id, 'telegram-bot');
  t.regex(sent.provider_message_id ?? '', /^123456789:\d+$/);
});

test('a Telegram message ends delivered: a successful sendMessage is final', async (t) => {
  const { stack } = t.context;
  const accepted = await sendMessage(stack, { channel: 'telegram', to: '@heraldnews', text: 'Channel post' });
  const delivered = await untilStatus(stack, accepted.json.id, (s) => s === 'delivered', 'delivered');
  t.regex(delivered.provider_message_id ?? '', /^-100\d{10}:\d+$/);
  t.truthy(delivered.status_times.sent);
});

test('/stop sent to the bot opts the chat out for the tenant named in the webhook URL', async (t) => {
  const { stack } = t.context;
  const chatId = String(700_000_000 + Math.floor(Math.random() * 1_000_000));
  const update = {
    update_id: 1,
    message: { message_id: 1, chat: { id: Number(chatId), type: 'private' }, date: 1, text: '/stop' },
  };
  const post = (token: string) =>
    fetch(`${stack.baseUrl}/providers/telegram/webhook?tenant_id=demo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': token },
      body: JSON.stringify(update),
    });
  t.is((await post('forged-token')).status, 403);
  t.is(
    (await query(stack, 'SELECT 1 FROM opt_outs WHERE recipient = $1', [chatId])).length,
    0,
    'a forged update changes nothing',
  );
  t.is((await post(DEV_TELEGRAM_SECRET)).status, 200);
  const rows = await query<{ tenant_id: string; source: string; channel: string | null }>(
    stack,
    'SELECT tenant_id, source, channel FROM opt_outs WHERE recipient = $1',
    [chatId],
  );
  t.deepEqual(rows, [{ tenant_id: 'demo', source: 'keyword', channel: null }]);
  const refused = await sendMessage(stack, { channel: 'telegram', to: chatId, text: 'still there?' });
  t.is(refused.status, 422);
});
