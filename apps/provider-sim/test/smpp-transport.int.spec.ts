import test from 'ava';
import type { SendResult } from '@herald/transports';
import { smppTransport, startSmppSimulator } from './support/smpp.js';
import { eventually, message } from './support/simulator.js';

test('the transport binds with the shared credentials; a wrong password gets ESME_RBINDFAIL', async (t) => {
  const { sim, transport } = await startSmppSimulator(t);
  t.true((await transport.send(message())).ok);
  t.like(sim.stats().smpp, { bindsAccepted: 1, sessionsBound: 1 });
  const { port } = await sim.smpp.listen('127.0.0.1', 0);
  const intruder = smppTransport(port, { password: 'wrong' });
  t.teardown(() => intruder.close());
  t.like(await intruder.send(message()), {
    ok: false,
    retryable: true,
    errorCode: 'smpp_bind_failed',
    errorMessage: 'bind_transceiver refused: ESME_RBINDFAIL (0x0d)',
  });
  t.like(sim.stats().smpp, { bindsAccepted: 1, bindsRefused: { bad_credentials: 1 } });
});

test('a submitted message is answered with an id, then a DELIVRD receipt reaches the listener', async (t) => {
  const { sim, transport, updates } = await startSmppSimulator(t);
  const result = await transport.send(message({ text: 'Your code is 123456' }));
  if (!result.ok) return t.fail(result.errorMessage);
  t.regex(result.providerMessageId, /^[0-9a-f]{16}$/);
  await eventually(() => updates.length === 1);
  t.like(updates[0], { providerMessageId: result.providerMessageId, status: 'delivered', errorCode: null });
  t.like(updates[0]?.raw, {
    stat: 'DELIVRD',
    err: '000',
    receipted_message_id: result.providerMessageId,
    message_state: '2',
  });
  await eventually(() => sim.stats().smpp.finalStatuses.delivered === 1);
  t.like(sim.stats().smpp, { accepted: 1, receipts: { sent: 1, acknowledged: 1 } });
  t.deepEqual(sim.smpp.receivedMessages(), [
    { from: '15550000003', to: '15558675310', text: 'Your code is 123456', parts: 1 },
  ]);
});

test('at SIM_UNDELIVERED_RATE the receipt is UNDELIV and the update undelivered with its err', async (t) => {
  const { transport, updates } = await startSmppSimulator(t, { undeliveredRate: 1 });
  const result = await transport.send(message());
  t.true(result.ok);
  await eventually(() => updates.length === 1);
  t.like(updates[0], { status: 'undelivered', errorCode: 'smpp_err_001' });
});

test('the window is never exceeded: measured on the server with a slow SMSC', async (t) => {
  const { sim, transport } = await startSmppSimulator(t, { latencyMs: 60 }, { window: 4 });
  const results = await Promise.all(
    Array.from({ length: 24 }, (_, i) => transport.send(message({ to: `+1555867${String(1000 + i)}` }))),
  );
  t.true(results.every((result) => result.ok));
  t.like(sim.stats().smpp, { submitSmReceived: 24, accepted: 24, maxOutstanding: 4 });
});

test('a long message goes as parts the SMSC reassembles, under one providerMessageId', async (t) => {
  const { sim, transport, updates } = await startSmppSimulator(t);
  const text = `Über café: 5€ {ok}. ${'0123456789'.repeat(30)}`;
  const result = await transport.send(message({ text }));
  if (!result.ok) return t.fail(result.errorMessage);
  await eventually(() => updates.length === 3);
  t.deepEqual(
    sim.smpp.receivedMessages().map((each) => [each.text, each.parts]),
    [[text, 3]],
  );
  t.true(
    updates.every(
      (update) => update.providerMessageId === result.providerMessageId && update.status === 'delivered',
    ),
  );
  t.is(new Set(updates.map((update) => update.raw.id)).size, 3);
  // The simulator counts the final status once the last deliver_sm_resp is back.
  await eventually(() => sim.stats().smpp.finalStatuses.delivered === 1);
  t.like(sim.stats().smpp, {
    accepted: 1,
    reassembled: 1,
    submitSmReceived: 3,
    finalStatuses: { delivered: 1 },
  });
});

test('a UCS-2 long message is reassembled to the same text', async (t) => {
  const { sim, transport } = await startSmppSimulator(t);
  const text = 'Привет, мир! 👋 '.repeat(10);
  t.true((await transport.send(message({ text }))).ok);
  await eventually(() => sim.smpp.receivedMessages().length === 1);
  t.is(sim.smpp.receivedMessages()[0]?.text, text);
});

function label(result: SendResult): string {
  return result.ok ? 'accepted' : `${result.errorCode}${result.retryable ? ' (retryable)' : ''}`;
}

test('temporary failures are ESME_RTHROTTLED (retryable), permanent ones ESME_RINVDSTADR', async (t) => {
  const { sim, transport } = await startSmppSimulator(t, {
    temporaryFailureRate: 0.3,
    permanentFailureRate: 0.2,
    seed: 9,
  });
  const labels: string[] = [];
  for (let i = 0; i < 200; i += 1) labels.push(label(await transport.send(message())));
  const counts: Record<string, number> = {};
  for (const each of labels) counts[each] = (counts[each] ?? 0) + 1;
  t.deepEqual(Object.keys(counts).sort(), ['accepted', 'smpp_0x0b', 'smpp_0x58 (retryable)']);
  t.true(Math.abs((counts['smpp_0x58 (retryable)'] ?? 0) - 60) < 30);
  t.true(Math.abs((counts.smpp_0x0b ?? 0) - 40) < 25);
  t.like(sim.stats().smpp, {
    accepted: counts.accepted,
    rejected: { injected_0x58: counts['smpp_0x58 (retryable)'], injected_0x0b: counts.smpp_0x0b },
  });
});

test('an invalid number is refused with ESME_RINVDSTADR whatever the rates', async (t) => {
  const { sim, transport } = await startSmppSimulator(t);
  t.like(await transport.send(message({ to: '12345' })), {
    ok: false,
    retryable: false,
    errorCode: 'smpp_0x0b',
  });
  t.like(sim.stats().smpp.rejected, { smpp_0x0b: 1 });
});

test('after the SMSC drops the connection the transport re-binds and delivers', async (t) => {
  const { sim, transport, updates } = await startSmppSimulator(t);
  t.true((await transport.send(message())).ok);
  sim.smpp.dropConnections();
  await eventually(() => sim.stats().smpp.bindsAccepted === 2 && sim.stats().smpp.sessionsBound === 1);
  let result: SendResult = await transport.send(message());
  for (let i = 0; i < 20 && !result.ok; i += 1) result = await transport.send(message());
  t.true(result.ok);
  await eventually(() =>
    updates.some((update) => result.ok && update.providerMessageId === result.providerMessageId),
  );
});

test('close() unbinds: the simulator sees the unbind and the session end', async (t) => {
  const { sim, transport } = await startSmppSimulator(t);
  t.true((await transport.send(message())).ok);
  await transport.close();
  await eventually(() => sim.stats().smpp.sessionsBound === 0);
  t.like(sim.stats().smpp, { unbindsReceived: 1 });
});

test('simulator shutdown sends pending receipts first, then unbinds the session', async (t) => {
  const { sim, transport, updates } = await startSmppSimulator(t, { callbackDelayMs: 60_000 });
  t.true((await transport.send(message())).ok);
  const report = await sim.close(5_000);
  t.like(report.stats.smpp, { receipts: { sent: 1, acknowledged: 1 }, sessionsBound: 0 });
  await eventually(() => updates.length === 1);
  t.like(await transport.send(message()), { ok: false, retryable: true });
});

test('enquire_link keeps the session alive and is answered', async (t) => {
  const { sim, transport } = await startSmppSimulator(t, {}, { enquireLinkMs: 20 });
  t.true((await transport.send(message())).ok);
  await eventually(() => sim.stats().smpp.enquireLinks >= 3);
  t.true((await transport.send(message())).ok);
  t.is(sim.stats().smpp.bindsAccepted, 1);
});
