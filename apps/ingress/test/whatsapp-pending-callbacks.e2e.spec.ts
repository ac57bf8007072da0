import test from 'ava';
import { startApp, waitFor, waitUntilReady } from '@herald/testkit';
import { query, sendMessage, startChatStack, untilStatus } from './support/chat-stack.js';

interface SimStats {
  accepted: number;
  callbacks: { sent: number };
}

/**
 * Meta's webhooks can overtake our own bookkeeping: here the projector is stopped, so the send is
 * not in the read model when the simulator's signed delivered and read webhooks reach the ingress.
 * They must be parked, and matched once the projector records the send.
 */
test('webhooks that arrive before the send is projected are matched when it is', async (t) => {
  const stack = await startChatStack();
  t.teardown(() => stack.stop());
  const projector = stack.apps.get('projector');
  if (!projector) return t.fail('the stack has no projector');
  await projector.stop();

  const accepted = await sendMessage(stack, { channel: 'whatsapp', to: '+14155550199', text: 'Overtaken' });
  t.is(accepted.status, 202);
  await waitFor('the simulator to deliver sent, delivered and read', async () => {
    const stats = (await (await fetch(`${stack.simulatorUrl}/sim/stats`)).json()) as SimStats;
    return stats.accepted === 1 && stats.callbacks.sent === 3;
  });
  const parked = await query<{ event_type: string }>(
    stack,
    'SELECT event_type FROM pending_provider_callbacks ORDER BY event_type',
  );
  t.deepEqual(
    parked.map((row) => row.event_type),
    ['MessageDelivered', 'MessageRead'],
    'delivered and read were parked; sent adds nothing',
  );

  const restarted = startApp('projector', stack.env);
  stack.apps.set('projector', restarted);
  await waitUntilReady(
    restarted,
    `http://127.0.0.1:${stack.env.HERALD_PROJECTOR_OPS_PORT ?? ''}/readyz`,
    90_000,
  );

  const read = await untilStatus(stack, accepted.json.id, (s) => s === 'read', 'read');
  t.truthy(read.status_times.delivered);
  t.is(read.provider_id, 'whatsapp-cloud');
  const left = await query(stack, 'SELECT 1 FROM pending_provider_callbacks');
  t.is(left.length, 0, 'matched callbacks leave the table');
});
