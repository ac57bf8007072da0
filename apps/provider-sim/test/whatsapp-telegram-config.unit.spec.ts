import test from 'ava';
import { readSimulatorConfig } from '../src/config.js';
import { resolveTelegramSimOptions } from '../src/telegram/options.js';
import { resolveWhatsAppSimOptions } from '../src/whatsapp/options.js';

test('an empty environment gives the development accounts and the default webhook URL', (t) => {
  const { simulator } = readSimulatorConfig({});
  t.deepEqual(resolveWhatsAppSimOptions(simulator.whatsapp), {
    accessToken: 'dev-whatsapp-access-token',
    phoneNumberId: '106540352242922',
    displayPhoneNumber: '15550000003',
    businessAccountId: '102290129340398',
    appSecret: 'dev-whatsapp-app-secret',
    webhookUrl: 'http://127.0.0.1:8080/providers/whatsapp/webhook',
  });
  t.deepEqual(resolveTelegramSimOptions(simulator.telegram), {
    botToken: '1000000001:dev-telegram-bot-token',
    botUsername: 'HeraldDevBot',
  });
});

test('the webhook follows HERALD_PUBLIC_URL, and SIM_WHATSAPP_WEBHOOK_URL wins over it', (t) => {
  const viaPublic = readSimulatorConfig({ HERALD_PUBLIC_URL: 'https://herald.example/' });
  t.is(
    resolveWhatsAppSimOptions(viaPublic.simulator.whatsapp).webhookUrl,
    'https://herald.example/providers/whatsapp/webhook',
  );
  const explicit = readSimulatorConfig({
    HERALD_PUBLIC_URL: 'https://herald.example',
    SIM_WHATSAPP_WEBHOOK_URL: 'http://127.0.0.1:9999/hook',
  });
  t.is(resolveWhatsAppSimOptions(explicit.simulator.whatsapp).webhookUrl, 'http://127.0.0.1:9999/hook');
});

test('every WhatsApp and Telegram variable is read', (t) => {
  const { simulator } = readSimulatorConfig({
    HERALD_WHATSAPP_ACCESS_TOKEN: 'tok',
    HERALD_WHATSAPP_PHONE_NUMBER_ID: '123',
    HERALD_WHATSAPP_APP_SECRET: 'sec',
    HERALD_TELEGRAM_BOT_TOKEN: '77:abc',
  });
  t.like(resolveWhatsAppSimOptions(simulator.whatsapp), {
    accessToken: 'tok',
    phoneNumberId: '123',
    appSecret: 'sec',
  });
  t.like(resolveTelegramSimOptions(simulator.telegram), { botToken: '77:abc' });
});

const BAD: ReadonlyArray<[Record<string, string>, RegExp]> = [
  [{ HERALD_WHATSAPP_ACCESS_TOKEN: ' ' }, /^HERALD_WHATSAPP_ACCESS_TOKEN must not be empty/],
  [{ HERALD_WHATSAPP_APP_SECRET: '' }, /^HERALD_WHATSAPP_APP_SECRET must not be empty/],
  [{ HERALD_WHATSAPP_PHONE_NUMBER_ID: '+1555' }, /^HERALD_WHATSAPP_PHONE_NUMBER_ID must be digits only/],
  [{ SIM_WHATSAPP_WEBHOOK_URL: 'ftp://x' }, /^SIM_WHATSAPP_WEBHOOK_URL must be an http\(s\) URL/],
  [{ HERALD_TELEGRAM_BOT_TOKEN: 'secret-without-colon' }, /^HERALD_TELEGRAM_BOT_TOKEN must look like/],
];

for (const [env, message] of BAD) {
  test(`rejects ${Object.keys(env).join(', ')}=${JSON.stringify(Object.values(env)[0])} naming the variable`, (t) => {
    const error = t.throws(() => readSimulatorConfig(env), { name: 'ConfigError', message });
    t.false(error?.message.includes('secret-without-colon') ?? true, 'a bad token is not echoed');
  });
}
