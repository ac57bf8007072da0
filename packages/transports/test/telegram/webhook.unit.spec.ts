import test from 'ava';
import { parseTelegramUpdate, telegramKeyword, verifyTelegramSecretToken } from '../../src/index.js';

test('the secret token must match exactly; missing or different tokens do not', (t) => {
  t.true(verifyTelegramSecretToken('dev-telegram-secret', 'dev-telegram-secret'));
  for (const header of [
    undefined,
    null,
    '',
    'dev-telegram-secreT',
    'dev-telegram-secret ',
    'dev-telegram-secre',
  ]) {
    t.false(verifyTelegramSecretToken('dev-telegram-secret', header), String(header));
  }
});

test('reads the chat and text of a message sent to the bot', (t) => {
  const update = {
    update_id: 10000,
    message: {
      message_id: 1365,
      from: { id: 1111111, is_bot: false, first_name: 'Test' },
      chat: { id: 1111111, type: 'private', first_name: 'Test' },
      date: 1441645532,
      text: '/stop',
    },
  };
  t.deepEqual(parseTelegramUpdate(update), {
    ok: true,
    updateId: 10000,
    inbound: { updateId: 10000, chatId: '1111111', text: '/stop' },
  });
});

test('updates without a text (edits, photos, member changes) are valid and carry nothing', (t) => {
  t.deepEqual(parseTelegramUpdate({ update_id: 1, my_chat_member: { chat: { id: 5 } } }), {
    ok: true,
    updateId: 1,
    inbound: null,
  });
  t.deepEqual(parseTelegramUpdate({ update_id: 2, message: { chat: { id: 5 }, photo: [] } }), {
    ok: true,
    updateId: 2,
    inbound: null,
  });
});

test('refuses what is not an Update', (t) => {
  for (const body of [
    null,
    [],
    {},
    { update_id: '1' },
    { update_id: 1, message: { chat: { id: 'x' }, text: 'hi' } },
  ]) {
    t.false(parseTelegramUpdate(body).ok, JSON.stringify(body));
  }
});

test('bot commands read as their keyword; other text is unchanged', (t) => {
  t.is(telegramKeyword('/stop'), 'stop');
  t.is(telegramKeyword(' /STOP@HeraldBot '), 'STOP');
  t.is(telegramKeyword('/start'), 'start');
  t.is(telegramKeyword('STOP'), 'STOP');
  t.is(telegramKeyword('/stop now please'), '/stop now please');
});
