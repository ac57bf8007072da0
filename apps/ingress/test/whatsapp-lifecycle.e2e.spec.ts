import anyTest from 'ava';
import type { TestFn } from 'ava';
import { waitFor } from '@herald/testkit';
import type { TestStack } from '@herald/testkit';
import {
  DEV_WHATSAPP,
  postWebhook,
  query,
  sendMessage,
  signedStatusWebhook,
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

const eventCount = async (stack: TestStack, messageId: string, type: string) =>
  Number(
    (
      await query<{ n: string }>(
        stack,
        'SELECT count(*) AS n FROM events WHERE stream_id = $1 AND type = $2',
        [messageId, type],
      )
    )[0]?.n,
  );

test('a WhatsApp message goes through the Cloud API simulator and ends read, through its signed webhooks', async (t) => {
  const { stack } = t.context;
  const accepted = await sendMessage(stack, {
    channel: 'whatsapp',
    to: '+14155550101',
    text: 'Hello on WhatsApp',
  });
  t.is(accepted.status, 202);
  const read = await untilStatus(stack, accepted.json.id, (s) => s === 'read', 'read');
  t.is(read.provider_id, 'whatsapp-cloud');
  t.regex(read.provider_message_id ?? '', /^wamid\./);
  t.truthy(read.status_times.sent);
  t.truthy(read.status_times.delivered, 'delivered was reported before read');
  t.truthy(read.status_times.read);
  t.is(await eventCount(stack, accepted.json.id, 'MessageDelivered'), 1);
  t.is(await eventCount(stack, accepted.json.id, 'MessageRead'), 1);
});

test('a repeated webhook is deduplicated and a late failed one never moves the status backwards', async (t) => {
  const { stack } = t.context;
  const accepted = await sendMessage(stack, { channel: 'whatsapp', to: '+14155550102', text: 'Dedupe me' });
  const read = await untilStatus(stack, accepted.json.id, (s) => s === 'read', 'read');
  const wamid = read.provider_message_id ?? '';
  // Meta repeats webhooks it thinks were not received; then a late, out-of-order failure arrives.
  t.is(await postWebhook(stack, signedStatusWebhook(wamid, 'delivered')), 200);
  const failed = signedStatusWebhook(wamid, 'failed', {
    errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable' }],
  });
  t.is(await postWebhook(stack, failed), 200);
  // Both are keyed by the recipient, so the duplicate is projected before the failure is.
  await waitFor(
    'the late failure to be recorded',
    async () => (await eventCount(stack, accepted.json.id, 'MessageFailed')) === 1,
  );
  t.is(
    await eventCount(stack, accepted.json.id, 'MessageDelivered'),
    1,
    'the repeated delivered was deduplicated',
  );
  const after = await untilStatus(stack, accepted.json.id, () => true, 'readable');
  t.is(after.status, 'read');
});

test('a signed webhook for a wamid nobody sent is accepted and parked, not lost', async (t) => {
  const { stack } = t.context;
  const wamid = `wamid.unknown-${Date.now()}`;
  t.is(await postWebhook(stack, signedStatusWebhook(wamid, 'delivered')), 200);
  const rows = await query<{ event_type: string; provider_id: string }>(
    stack,
    'SELECT event_type, provider_id FROM pending_provider_callbacks WHERE provider_message_id = $1',
    [wamid],
  );
  t.deepEqual(rows, [{ event_type: 'MessageDelivered', provider_id: 'whatsapp-cloud' }]);
});

test('forged webhooks get 401/403 and change nothing', async (t) => {
  const { stack } = t.context;
  const wamid = `wamid.forged-${Date.now()}`;
  const signed = signedStatusWebhook(wamid, 'delivered');
  t.is(await postWebhook(stack, { body: signed.body, headers: { 'Content-Type': 'application/json' } }), 401);
  t.is(
    await postWebhook(stack, { body: signed.body.replace('delivered', 'read'), headers: signed.headers }),
    403,
  );
  const rows = await query(stack, 'SELECT 1 FROM pending_provider_callbacks WHERE provider_message_id = $1', [
    wamid,
  ]);
  t.is(rows.length, 0);
});

test("Meta's subscription check succeeds with the development verify token", async (t) => {
  const { stack } = t.context;
  const url = `${stack.baseUrl}/providers/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${DEV_WHATSAPP.verifyToken}&hub.challenge=4242`;
  const response = await fetch(url);
  t.is(response.status, 200);
  t.is(await response.text(), '4242');
});
