import { createHmac } from 'node:crypto';
import test from 'ava';
import { request } from 'undici';
import { parseWhatsAppWebhook } from '@herald/transports';
import type { SendResult } from '@herald/transports';
import {
  WA_APP_SECRET,
  WA_PHONE_NUMBER_ID,
  WA_TOKEN,
  chatMessage,
  startChatSimulator,
  startWebhookReceiver,
  whatsappTransport,
} from './support/chat-vendors.js';
import type { ReceivedWebhook } from './support/chat-vendors.js';
import { eventually } from './support/simulator.js';

const MESSAGES_PATH = `/v23.0/${WA_PHONE_NUMBER_ID}/messages`;

/** The signature Meta would send, computed here independently of the code under test. */
const expectedSignature = (body: Buffer) =>
  `sha256=${createHmac('sha256', WA_APP_SECRET).update(body).digest('hex')}`;

function statusesOf(received: ReceivedWebhook[]): string[] {
  return received.flatMap((webhook) => {
    const parsed = parseWhatsAppWebhook(JSON.parse(webhook.rawBody.toString('utf8')));
    return parsed.ok ? parsed.statuses.map((s) => s.status) : ['unparsable'];
  });
}

async function postJson(
  baseUrl: string,
  body: unknown,
  authorization = `Bearer ${WA_TOKEN}`,
  path = MESSAGES_PATH,
) {
  const response = await request(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    body: (await response.body.json()) as unknown,
  };
}

const TEXT = {
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to: '15558675310',
  type: 'text',
  text: { body: 'hi' },
};

test('a message sent with WhatsAppTransport gets signed sent, delivered and read webhooks', async (t) => {
  const receiver = await startWebhookReceiver();
  t.teardown(() => receiver.close());
  const { sim, whatsapp } = await startChatSimulator(t, {}, receiver.url);

  const result = await whatsapp.send(chatMessage('whatsapp'));
  if (!result.ok) return t.fail(`send failed: ${result.errorCode}`);
  t.regex(result.providerMessageId, /^wamid\.[A-Za-z0-9_-]+$/);

  await receiver.waitFor((received) => received.length === 3);
  t.deepEqual(statusesOf(receiver.received), ['sent', 'delivered', 'read']);
  for (const webhook of receiver.received) {
    t.is(webhook.path, '/providers/whatsapp/webhook');
    t.is(webhook.headers['content-type'], 'application/json');
    t.is(webhook.headers['x-hub-signature-256'], expectedSignature(webhook.rawBody));
    const payload = JSON.parse(webhook.rawBody.toString('utf8')) as Record<string, unknown>;
    t.like(payload, {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: sim.whatsapp.businessAccountId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: {
                  display_phone_number: sim.whatsapp.displayPhoneNumber,
                  phone_number_id: WA_PHONE_NUMBER_ID,
                },
                statuses: [{ id: result.providerMessageId, recipient_id: '15558675310' }],
              },
            },
          ],
        },
      ],
    });
  }
  const parsed = parseWhatsAppWebhook(JSON.parse(receiver.received[1]?.rawBody.toString('utf8') ?? 'null'));
  const timestamp = parsed.ok ? parsed.statuses[0]?.timestamp : null;
  t.true(
    timestamp !== null && timestamp !== undefined && Math.abs(timestamp - Date.now()) < 5_000,
    'a current unix time',
  );
  await eventually(() => sim.stats().finalStatuses.delivered === 1);
  t.like(sim.stats(), { accepted: 1, callbacks: { sent: 3, retried: 0, failed: 0 } });
});

test('answers with the documented body: contacts and the message id', async (t) => {
  const { server } = await startChatSimulator(t);
  const answer = await postJson(server.url, { ...TEXT, to: '+1 555 867-5310' });
  t.is(answer.status, 200);
  t.like(answer.body, {
    messaging_product: 'whatsapp',
    contacts: [{ input: '+1 555 867-5310', wa_id: '15558675310' }],
    messages: [{ message_status: 'accepted' }],
  });
});

test('a wrong access token gets 401 with Graph code 190, through the transport and on the wire', async (t) => {
  const { sim, server } = await startChatSimulator(t);
  const wrong = whatsappTransport(server.url, 'not-the-token');
  t.teardown(() => wrong.close());
  t.like(await wrong.send(chatMessage('whatsapp')), {
    ok: false,
    retryable: false,
    errorCode: 'whatsapp_190',
    errorMessage: 'Invalid OAuth access token - Cannot parse access token',
  });
  const raw = await postJson(server.url, TEXT, 'Basic Zm9vOmJhcg==');
  t.is(raw.status, 401);
  t.regex(String(raw.headers['www-authenticate']), /invalid_token/);
  t.like(raw.body, { error: { code: 190, type: 'OAuthException' } });
  t.regex(JSON.stringify(raw.body), /"fbtrace_id":"[A-Za-z0-9_-]+"/);
  t.like(sim.stats(), { accepted: 0, rejected: { whatsapp_190: 2 } });
});

test('another phone number id is an object the token cannot see: 400, code 100, subcode 33', async (t) => {
  const { server } = await startChatSimulator(t);
  const other = whatsappTransport(server.url, WA_TOKEN, '100000000000999');
  t.teardown(() => other.close());
  t.like(await other.send(chatMessage('whatsapp')), {
    ok: false,
    retryable: false,
    errorCode: 'whatsapp_100',
  });
  const raw = await postJson(server.url, TEXT, `Bearer ${WA_TOKEN}`, '/v23.0/100000000000999/messages');
  t.like(raw.body, { error: { code: 100, error_subcode: 33, type: 'GraphMethodException' } });
});

const INVALID: ReadonlyArray<[string, unknown, number]> = [
  ['no messaging_product', { ...TEXT, messaging_product: undefined }, 100],
  ['no recipient', { ...TEXT, to: undefined }, 100],
  ['no text body', { ...TEXT, text: {} }, 100],
  ['a body over 4096 characters', { ...TEXT, text: { body: 'x'.repeat(4097) } }, 100],
  ['an image message', { ...TEXT, type: 'image', image: { link: 'https://example.com/a.png' } }, 131051],
  ['a recipient that is not a phone number', { ...TEXT, to: 'alice' }, 131009],
];

for (const [what, body, code] of INVALID) {
  test(`a request with ${what} gets 400 with code ${code}`, async (t) => {
    const { sim, server } = await startChatSimulator(t);
    const answer = await postJson(server.url, body);
    t.is(answer.status, 400);
    t.like(answer.body, { error: { code, type: 'OAuthException' } });
    t.like(sim.stats(), { accepted: 0, rejected: { [`whatsapp_${code}`]: 1 } });
  });
}

test('an undelivered message is sent, then failed with 131026 and its details', async (t) => {
  const receiver = await startWebhookReceiver();
  t.teardown(() => receiver.close());
  const { sim, whatsapp } = await startChatSimulator(t, { undeliveredRate: 1 }, receiver.url);
  t.true((await whatsapp.send(chatMessage('whatsapp'))).ok);
  await receiver.waitFor((received) => received.length === 2);
  t.deepEqual(statusesOf(receiver.received), ['sent', 'failed']);
  const parsed = parseWhatsAppWebhook(JSON.parse(receiver.received[1]?.rawBody.toString('utf8') ?? 'null'));
  t.like(parsed.ok ? parsed.statuses[0] : null, { status: 'failed', error: { code: 131026 } });
  await eventually(() => sim.stats().finalStatuses.undelivered === 1);
});

test('a failed message gets a single failed webhook with 131047, never sent', async (t) => {
  const receiver = await startWebhookReceiver();
  t.teardown(() => receiver.close());
  const { sim, whatsapp } = await startChatSimulator(t, { failedRate: 1 }, receiver.url);
  t.true((await whatsapp.send(chatMessage('whatsapp'))).ok);
  await eventually(() => sim.stats().finalStatuses.failed === 1);
  t.deepEqual(statusesOf(receiver.received), ['failed']);
  t.regex(receiver.received[0]?.rawBody.toString('utf8') ?? '', /"code":131047/);
});

test('a webhook answered 500 is retried with the same body and signature until it succeeds', async (t) => {
  const receiver = await startWebhookReceiver((index) => (index < 2 ? 500 : 200));
  t.teardown(() => receiver.close());
  const { whatsapp } = await startChatSimulator(t, {}, receiver.url);
  t.true((await whatsapp.send(chatMessage('whatsapp'))).ok);
  await receiver.waitFor((received) => statusesOf(received).includes('read'));
  t.deepEqual(statusesOf(receiver.received), ['sent', 'sent', 'sent', 'delivered', 'read']);
  const [first, second, third] = receiver.received;
  t.deepEqual(second?.rawBody, first?.rawBody);
  t.deepEqual(third?.rawBody, first?.rawBody);
  t.is(third?.headers['x-hub-signature-256'], first?.headers['x-hub-signature-256']);
});

function label(result: SendResult): string {
  return result.ok ? 'accepted' : `${result.errorCode}${result.retryable ? ' (retryable)' : ''}`;
}

test('failure rates produce Graph errors the transport maps, in roughly the configured share', async (t) => {
  const receiver = await startWebhookReceiver();
  t.teardown(() => receiver.close());
  const rates = { temporaryFailureRate: 0.3, permanentFailureRate: 0.2, seed: 7 };
  const { sim, whatsapp } = await startChatSimulator(t, rates, receiver.url);
  const counts: Record<string, number> = {};
  for (let i = 0; i < 400; i += 1) {
    const key = label(await whatsapp.send(chatMessage('whatsapp')));
    counts[key] = (counts[key] ?? 0) + 1;
  }
  t.deepEqual(Object.keys(counts).sort(), [
    'accepted',
    'whatsapp_130429 (retryable)',
    'whatsapp_131000 (retryable)',
    'whatsapp_131030',
  ]);
  const temporary =
    (counts['whatsapp_130429 (retryable)'] ?? 0) + (counts['whatsapp_131000 (retryable)'] ?? 0);
  // 400 draws: the binomial standard deviation is about 9, so +-40 is far outside chance.
  t.true(Math.abs(temporary - 120) < 40, `temporary failures: ${temporary}`);
  t.true(
    Math.abs((counts.whatsapp_131030 ?? 0) - 80) < 40,
    `permanent failures: ${counts.whatsapp_131030 ?? 0}`,
  );
  t.like(sim.stats(), {
    accepted: counts.accepted,
    rejected: {
      injected_whatsapp_130429: counts['whatsapp_130429 (retryable)'],
      injected_whatsapp_131000: counts['whatsapp_131000 (retryable)'],
      injected_whatsapp_131030: counts.whatsapp_131030,
    },
  });
});

test('the same seed replays the same outcomes', async (t) => {
  const run = async (seed: number) => {
    const receiver = await startWebhookReceiver();
    t.teardown(() => receiver.close());
    const rates = { temporaryFailureRate: 0.3, permanentFailureRate: 0.2, seed };
    const { whatsapp } = await startChatSimulator(t, rates, receiver.url);
    const labels: string[] = [];
    for (let i = 0; i < 40; i += 1) labels.push(label(await whatsapp.send(chatMessage('whatsapp'))));
    return labels;
  };
  const first = await run(42);
  t.deepEqual(await run(42), first);
  t.notDeepEqual(await run(43), first);
});
