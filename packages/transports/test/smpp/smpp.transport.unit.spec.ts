import test from 'ava';
import type { ExecutionContext } from 'ava';
import { SmppTransport } from '../../src/index.js';
import type { OutboundMessage, SendResult, SmppTransportOptions, StatusUpdate } from '../../src/index.js';
import { startScriptedSmsc } from './scripted-smsc.js';
import type { ScriptOptions, ScriptedSmsc } from './scripted-smsc.js';

const MESSAGE: OutboundMessage = {
  messageId: 'msg-1',
  tenantId: 'tenant-1',
  channel: 'sms',
  to: '+15558675310',
  from: null,
  text: 'Hi@{x}',
  statusCallbackUrl: null,
};

async function setup(
  t: ExecutionContext,
  script: ScriptOptions = {},
  options: Partial<SmppTransportOptions> = {},
): Promise<{ smsc: ScriptedSmsc; transport: SmppTransport }> {
  const smsc = await startScriptedSmsc(script);
  const transport = new SmppTransport({
    host: '127.0.0.1',
    port: smsc.port,
    systemId: 'herald',
    password: 'secret',
    systemType: 'HERALD',
    sourceAddr: '+15017122661',
    timeoutMs: 2_000,
    reconnectBaseMs: 20,
    ...options,
  });
  t.teardown(async () => {
    await transport.close();
    await smsc.close();
  });
  return { smsc, transport };
}

async function waitFor(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('binds as a transceiver with the configured credentials', async (t) => {
  const { smsc, transport } = await setup(t);
  t.true((await transport.send(MESSAGE)).ok);
  t.is(smsc.binds.length, 1);
  t.like(smsc.binds[0], {
    system_id: 'herald',
    password: 'secret',
    system_type: 'HERALD',
    interface_version: 0x34,
  });
});

test('the exact submit_sm of a GSM-7 text: addresses, TON/NPI, coding, receipt request, bytes', async (t) => {
  const { smsc, transport } = await setup(t, { submit: () => ({ messageId: 'smsc-42' }) });
  t.deepEqual(await transport.send(MESSAGE), { ok: true, providerMessageId: 'smsc-42', status: 'sent' });
  t.is(smsc.submits.length, 1);
  t.deepEqual(smsc.submits[0]?.fields, {
    serviceType: '',
    sourceAddrTon: 1,
    sourceAddrNpi: 1,
    sourceAddr: '15017122661',
    destAddrTon: 1,
    destAddrNpi: 1,
    destinationAddr: '15558675310',
    esmClass: 0x00,
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 0x01,
    replaceIfPresentFlag: 0,
    dataCoding: 0x00,
    smDefaultMsgId: 0,
    // GSM 03.38, one septet per octet: '@' is 0x00, '{' is ESC 0x28.
    shortMessage: Buffer.from([0x48, 0x69, 0x00, 0x1b, 0x28, 0x78, 0x1b, 0x29]),
  });
});

test('a text outside GSM-7 goes as UCS-2 (data_coding 8), UTF-16BE', async (t) => {
  const { smsc, transport } = await setup(t);
  t.true((await transport.send({ ...MESSAGE, text: 'Привет 👋' })).ok);
  t.like(smsc.submits[0]?.fields, { dataCoding: 0x08, esmClass: 0x00 });
  t.deepEqual(smsc.submits[0]?.fields.shortMessage, Buffer.from('Привет 👋', 'utf16le').swap16());
});

test('the message from wins over sourceAddr; short codes and sender names get their TON', async (t) => {
  const { smsc, transport } = await setup(t);
  await transport.send({ ...MESSAGE, from: 'HERALD' });
  await transport.send({ ...MESSAGE, from: '12345' });
  t.like(smsc.submits[0]?.fields, { sourceAddrTon: 5, sourceAddrNpi: 0, sourceAddr: 'HERALD' });
  t.like(smsc.submits[1]?.fields, { sourceAddrTon: 3, sourceAddrNpi: 0, sourceAddr: '12345' });
});

test('a long text goes as concatenated parts with one UDH reference and one providerMessageId', async (t) => {
  const { smsc, transport } = await setup(t, {
    submit: (_submit, index) => ({ messageId: `part-${index + 1}` }),
  });
  const text = `${'a'.repeat(153)}${'b'.repeat(153)}${'c'.repeat(10)}`;
  t.deepEqual(await transport.send({ ...MESSAGE, text }), {
    ok: true,
    providerMessageId: 'part-1',
    status: 'sent',
  });
  t.is(smsc.submits.length, 3);
  const reference = smsc.submits[0]?.fields.shortMessage[3];
  for (const [index, submit] of smsc.submits.entries()) {
    t.like(submit.fields, { esmClass: 0x40, dataCoding: 0x00, registeredDelivery: 0x01 });
    t.deepEqual([...submit.fields.shortMessage.subarray(0, 6)], [0x05, 0x00, 0x03, reference, 3, index + 1]);
  }
  const texts = smsc.submits.map((submit) => submit.fields.shortMessage.subarray(6).toString('latin1'));
  t.deepEqual(texts, ['a'.repeat(153), 'b'.repeat(153), 'c'.repeat(10)]);
});

test('a long UCS-2 text is split at 67 units per part, never inside a surrogate pair', async (t) => {
  const { smsc, transport } = await setup(t);
  const text = `${'ж'.repeat(66)}😀${'ж'.repeat(10)}`;
  t.true((await transport.send({ ...MESSAGE, text })).ok);
  t.is(smsc.submits.length, 2);
  const parts = smsc.submits.map((submit) =>
    Buffer.from(submit.fields.shortMessage.subarray(6)).swap16().toString('utf16le'),
  );
  t.deepEqual(parts, ['ж'.repeat(66), `😀${'ж'.repeat(10)}`]);
  t.like(smsc.submits[1]?.fields, { dataCoding: 0x08, esmClass: 0x40 });
});

test('concatenated messages get a fresh reference each', async (t) => {
  const { smsc, transport } = await setup(t);
  const text = 'x'.repeat(200);
  await transport.send({ ...MESSAGE, text });
  await transport.send({ ...MESSAGE, text });
  t.not(smsc.submits[0]?.fields.shortMessage[3], smsc.submits[2]?.fields.shortMessage[3]);
});

const STATUS_MAPPING: ReadonlyArray<[number, boolean, string]> = [
  [0x58, true, 'smpp_0x58'],
  [0x14, true, 'smpp_0x14'],
  [0x08, true, 'smpp_0x08'],
  [0x0b, false, 'smpp_0x0b'],
  [0x0a, false, 'smpp_0x0a'],
  [0x01, false, 'smpp_0x01'],
  [0x45, false, 'smpp_0x45'],
  [0x104, false, 'smpp_0x104'],
];

for (const [status, retryable, errorCode] of STATUS_MAPPING) {
  test(`submit_sm_resp status ${errorCode} is ${retryable ? 'retryable' : 'permanent'}`, async (t) => {
    const { transport } = await setup(t, { submit: () => ({ status }) });
    t.like(await transport.send(MESSAGE), { ok: false, retryable, errorCode });
  });
}

test('a failing part fails the message, names the part, and stops the remaining parts', async (t) => {
  const { smsc, transport } = await setup(t, {
    submit: (_s, index) => (index === 1 ? { status: 0x58 } : {}),
  });
  const result = await transport.send({ ...MESSAGE, text: 'y'.repeat(400) });
  t.like(result, { ok: false, retryable: true, errorCode: 'smpp_0x58' });
  t.regex(result.ok ? '' : result.errorMessage, /^part 2 of 3: submit_sm refused: ESME_RTHROTTLED \(0x58\)/);
  t.is(smsc.submits.length, 2);
});

test('never more submit_sm in flight than the window; further sends wait for a slot', async (t) => {
  const { smsc, transport } = await setup(t, { submit: () => ({ delayMs: 30 }) }, { window: 3 });
  const results = await Promise.all(Array.from({ length: 15 }, () => transport.send(MESSAGE)));
  t.true(results.every((result) => result.ok));
  t.is(smsc.submits.length, 15);
  t.is(smsc.outstanding().max, 3);
});

test('an unanswered submit_sm times out as retryable, and the broken link is re-bound', async (t) => {
  const { smsc, transport } = await setup(
    t,
    { submit: (_s, index) => (index === 0 ? 'hang' : {}) },
    { timeoutMs: 200 },
  );
  t.like(await transport.send(MESSAGE), { ok: false, retryable: true, errorCode: 'timeout' });
  await waitFor(() => smsc.binds.length === 2);
  await waitFor(() => smsc.commands.length >= 3);
  let result: SendResult = await transport.send(MESSAGE);
  for (let i = 0; i < 20 && !result.ok; i += 1) result = await transport.send(MESSAGE);
  t.true(result.ok);
});

test('a refused bind is a retryable smpp_bind_failed naming the status; sends do not hang', async (t) => {
  const { transport } = await setup(t, { bind: () => 0x0d });
  t.like(await transport.send(MESSAGE), {
    ok: false,
    retryable: true,
    errorCode: 'smpp_bind_failed',
    errorMessage: 'bind_transceiver refused: ESME_RBINDFAIL (0x0d)',
  });
});

test('an unreachable SMSC is a retryable network_error', async (t) => {
  const smsc = await startScriptedSmsc();
  const port = smsc.port;
  await smsc.close();
  const transport = new SmppTransport({
    host: '127.0.0.1',
    port,
    systemId: 'a',
    password: 'b',
    timeoutMs: 1_000,
  });
  t.teardown(() => transport.close());
  const result = await transport.send(MESSAGE);
  t.like(result, { ok: false, retryable: true, errorCode: 'network_error' });
  t.regex(result.ok ? '' : result.errorMessage, /ECONNREFUSED/);
});

test('after the SMSC drops the connection the transport re-binds and sends again', async (t) => {
  const { smsc, transport } = await setup(t);
  t.true((await transport.send(MESSAGE)).ok);
  smsc.dropConnections();
  await waitFor(() => smsc.binds.length === 2);
  let result: SendResult = await transport.send(MESSAGE);
  for (let i = 0; i < 20 && !result.ok; i += 1) result = await transport.send(MESSAGE);
  t.true(result.ok);
});

test('the caller aborting while waiting for a slot ends the send as aborted', async (t) => {
  const { transport } = await setup(t, { submit: () => ({ delayMs: 300 }) }, { window: 1 });
  const first = transport.send(MESSAGE);
  const controller = new AbortController();
  const second = transport.send(MESSAGE, controller.signal);
  setTimeout(() => controller.abort(), 50);
  t.like(await second, { ok: false, retryable: true, errorCode: 'aborted' });
  t.true((await first).ok);
});

test('close() unbinds and waits for sends in flight', async (t) => {
  const { smsc, transport } = await setup(t, { submit: () => ({ delayMs: 100 }) });
  const inFlight = transport.send(MESSAGE);
  await waitFor(() => smsc.submits.length === 1);
  await transport.close();
  t.true((await inFlight).ok);
  t.deepEqual(smsc.commands, ['bind_transceiver', 'submit_sm', 'unbind']);
  t.throws(() => void transport.send(MESSAGE), { message: /after close/ });
});

test('a channel other than sms, or an address SMPP cannot carry, fails permanently without a PDU', async (t) => {
  const { smsc, transport } = await setup(t);
  t.like(await transport.send({ ...MESSAGE, channel: 'telegram' }), {
    ok: false,
    retryable: false,
    errorCode: 'unsupported_channel',
  });
  t.like(await transport.send({ ...MESSAGE, to: '@channel' }), {
    ok: false,
    retryable: false,
    errorCode: 'smpp_invalid_destination',
  });
  t.like(await transport.send({ ...MESSAGE, from: 'a sender name too long' }), {
    ok: false,
    errorCode: 'smpp_invalid_source',
  });
  t.is(smsc.submits.length, 0);
});

/** A receipt deliver_sm in its usual text form, for a given part id. */
function receipt(id: string, stat: string, err = '000'): Record<string, unknown> {
  return {
    esm_class: 0x04,
    data_coding: 0,
    short_message: `id:${id} sub:001 dlvrd:001 submit date:2511221030 done date:2511221031 stat:${stat} err:${err} text:Hi`,
  };
}

test('a receipt reaches listeners as a StatusUpdate under the providerMessageId', async (t) => {
  const { smsc, transport } = await setup(
    t,
    { submit: () => ({ messageId: 'm-1' }) },
    { now: () => 1_700_000_000_000 },
  );
  const updates: StatusUpdate[] = [];
  transport.onStatusUpdate((update) => updates.push(update));
  t.true((await transport.send(MESSAGE)).ok);
  const response = await smsc.deliver(receipt('m-1', 'UNDELIV', '034'));
  t.is(response.command_status, 0);
  await waitFor(() => updates.length === 1);
  t.deepEqual(updates[0], {
    providerMessageId: 'm-1',
    status: 'undelivered',
    errorCode: 'smpp_err_034',
    errorMessage: 'UNDELIV: message is undeliverable (err 034)',
    occurredAt: 1_700_000_000_000,
    raw: {
      id: 'm-1',
      sub: '001',
      dlvrd: '001',
      submit_date: '2511221030',
      done_date: '2511221031',
      stat: 'UNDELIV',
      err: '034',
      text: 'Hi',
    },
  });
});

test('receipts of every part are attributed to the first part id', async (t) => {
  const { smsc, transport } = await setup(t, { submit: (_s, index) => ({ messageId: `p${index + 1}` }) });
  const updates: StatusUpdate[] = [];
  transport.onStatusUpdate((update) => updates.push(update));
  t.like(await transport.send({ ...MESSAGE, text: 'z'.repeat(300) }), { providerMessageId: 'p1' });
  await smsc.deliver(receipt('p2', 'DELIVRD'));
  await smsc.deliver(receipt('p1', 'DELIVRD'));
  await waitFor(() => updates.length === 2);
  t.deepEqual(
    updates.map((update) => [update.providerMessageId, update.raw.id]),
    [
      ['p1', 'p2'],
      ['p1', 'p1'],
    ],
  );
});

test('receipts that arrive before send() resolves reach listeners after it, in arrival order', async (t) => {
  const events: string[] = [];
  let smsc: ScriptedSmsc | null = null;
  const script: ScriptOptions = {
    // The SMSC reports delivery before answering the submit_sm: a race real SMSCs have.
    submit: () => {
      setImmediate(() => {
        void smsc
          ?.deliver(receipt('early', 'ENROUTE'))
          .then(() => smsc?.deliver(receipt('early', 'DELIVRD')));
      });
      return { messageId: 'early', delayMs: 100 };
    },
  };
  const started = await setup(t, script);
  smsc = started.smsc;
  started.transport.onStatusUpdate((update) => events.push(`${update.providerMessageId}:${update.status}`));
  const result = await started.transport.send(MESSAGE);
  events.push(`resolved:${result.ok ? result.providerMessageId : 'failed'}`);
  await waitFor(() => events.length === 3);
  t.deepEqual(events, ['resolved:early', 'early:sending', 'early:delivered']);
});

test('a receipt for a part of a failed send is never reported', async (t) => {
  const { smsc, transport } = await setup(
    t,
    {
      submit: (_s, index) => (index === 0 ? { messageId: 'orphan-1' } : { status: 0x0b }),
    },
    { timeoutMs: 300 },
  );
  const updates: StatusUpdate[] = [];
  transport.onStatusUpdate((update) => updates.push(update));
  t.false((await transport.send({ ...MESSAGE, text: 'q'.repeat(200) })).ok);
  await smsc.deliver(receipt('orphan-1', 'DELIVRD'));
  await smsc.deliver(receipt('unknown-id', 'DELIVRD'));
  // The unknown id is held for timeoutMs in case its submit_sm_resp is late, then reported as is.
  await waitFor(() => updates.length === 1);
  t.deepEqual(
    updates.map((update) => update.providerMessageId),
    ['unknown-id'],
  );
});

test('a listener that throws does not stop the others', async (t) => {
  const { smsc, transport } = await setup(t, { submit: () => ({ messageId: 'm-2' }) });
  const seen: string[] = [];
  transport.onStatusUpdate(() => {
    throw new Error('listener bug');
  });
  transport.onStatusUpdate((update) => seen.push(update.status));
  await transport.send(MESSAGE);
  t.is((await smsc.deliver(receipt('m-2', 'DELIVRD'))).command_status, 0);
  await waitFor(() => seen.length === 1);
  t.deepEqual(seen, ['delivered']);
});

test('a deliver_sm that is no receipt is acknowledged and ignored', async (t) => {
  const { smsc, transport } = await setup(t);
  const updates: StatusUpdate[] = [];
  transport.onStatusUpdate((update) => updates.push(update));
  await transport.send(MESSAGE);
  t.is((await smsc.deliver({ esm_class: 0, short_message: 'STOP' })).command_status, 0);
  t.is((await smsc.deliver(receipt('x', 'UNKNOWN'))).command_status, 0);
  t.deepEqual(updates, []);
});

test('invalid options are refused at construction, naming the option', (t) => {
  const base = { host: 'h', port: 2775, systemId: 's', password: 'p', timeoutMs: 1 };
  t.throws(() => new SmppTransport({ ...base, port: 0 }), { message: /'port'/ });
  t.throws(() => new SmppTransport({ ...base, window: 0 }), { message: /'window'/ });
  t.throws(() => new SmppTransport({ ...base, systemId: 'x'.repeat(16) }), { message: /'systemId'/ });
  t.throws(() => new SmppTransport({ ...base, password: '' }), { message: /'password'/ });
});
