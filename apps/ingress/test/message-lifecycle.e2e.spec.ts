import anyTest from 'ava';
import type { TestFn } from 'ava';
import pg from 'pg';
import { twilioSignature } from '@herald/transports';
import { devProvidersFile, requireServices, startStack, waitFor } from '@herald/testkit';
import type { TestStack } from '@herald/testkit';

const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  const services = await requireServices();
  // Twilio accounts only: these tests assert Twilio's message ids and drive its signed callbacks,
  // and the development SMPP account would otherwise take about one message in nine.
  const providers = devProvidersFile((provider) => provider.kind === 'twilio');
  t.context.stack = await startStack(services, { env: { HERALD_PROVIDERS_FILE: providers } });
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

interface MessageBody {
  id: string;
  status: string;
  provider_id: string | null;
  provider_message_id: string | null;
  attempts: number;
  error: { code: string; message: string } | null;
  status_times: Record<string, string>;
}

async function send(
  stack: TestStack,
  body: unknown,
  key = stack.apiKey,
): Promise<{ status: number; json: MessageBody }> {
  const response = await fetch(`${stack.baseUrl}/v1/messages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as MessageBody };
}

async function get(
  stack: TestStack,
  id: string,
  key = stack.apiKey,
): Promise<{ status: number; json: MessageBody }> {
  const response = await fetch(`${stack.baseUrl}/v1/messages/${id}`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  return { status: response.status, json: (await response.json()) as MessageBody };
}

const untilStatus = (stack: TestStack, id: string, wanted: string) =>
  waitFor(`message ${id} to be ${wanted}`, async () => {
    const { status, json } = await get(stack, id);
    return status === 200 && json.status === wanted ? json : undefined;
  });

test('a message posted over HTTP is accepted after Kafka has it and ends delivered', async (t) => {
  const { stack } = t.context;
  const accepted = await send(stack, { channel: 'sms', to: '+14155550100', text: 'Hello from Herald' });
  t.is(accepted.status, 202);
  t.is(accepted.json.status, 'queued');
  const delivered = await untilStatus(stack, accepted.json.id, 'delivered');
  t.true(['twilio-primary', 'twilio-backup'].includes(delivered.provider_id ?? ''));
  t.regex(delivered.provider_message_id ?? '', /^SM[0-9a-f]{32}$/);
  t.is(delivered.attempts, 1);
  const times = ['queued', 'sending', 'sent', 'delivered'].map((s) =>
    Date.parse(delivered.status_times[s] ?? ''),
  );
  t.deepEqual(
    [...times].sort((a, b) => a - b),
    times,
    'every status reached, in order',
  );
});

test("another tenant's key cannot see the message (404, not 403)", async (t) => {
  const { stack } = t.context;
  const otherKey = 'hk_other_tenant_key_0123456789abcdef';
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  await client.connect();
  await client.query(`INSERT INTO tenants (id, name) VALUES ('other', 'Other') ON CONFLICT DO NOTHING`);
  await client.query(
    `INSERT INTO api_keys (id, tenant_id, key_hash, prefix) VALUES ('key_other', 'other', sha256($1::bytea), 'hk_othe') ON CONFLICT DO NOTHING`,
    [Buffer.from(otherKey)],
  );
  await client.end();
  const { json } = await send(stack, { channel: 'sms', to: '+14155550101', text: 'private' });
  await untilStatus(stack, json.id, 'delivered');
  const foreign = await get(stack, json.id, otherKey);
  t.is(foreign.status, 404);
  t.is((foreign.json as unknown as { code: string }).code, 'not_found');
  t.is((await get(stack, json.id, 'hk_not_a_key_at_all_000000000')).status, 401);
});

test('forged and unsigned provider callbacks are refused and change nothing', async (t) => {
  const { stack } = t.context;
  const { json } = await send(stack, { channel: 'sms', to: '+14155550102', text: 'watch me' });
  const delivered = await untilStatus(stack, json.id, 'delivered');
  const url = `${stack.baseUrl}/providers/twilio/status?message_id=${json.id}&tenant_id=demo&provider_id=${delivered.provider_id}`;
  const params = {
    MessageSid: delivered.provider_message_id ?? '',
    MessageStatus: 'failed',
    To: '+14155550102',
    ErrorCode: '30008',
  };
  const post = (headers: Record<string, string>) =>
    fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(params),
    });

  t.is((await post({})).status, 401);
  t.is((await post({ 'X-Twilio-Signature': twilioSignature('wrong-token', url, params) })).status, 403);
  const tampered = { ...params, ErrorCode: '30001' };
  t.is(
    (await post({ 'X-Twilio-Signature': twilioSignature('dev-twilio-auth-token', url, tampered) })).status,
    403,
  );
  // A correctly signed late `failed` is accepted but cannot move a delivered message backwards.
  t.is(
    (await post({ 'X-Twilio-Signature': twilioSignature('dev-twilio-auth-token', url, params) })).status,
    204,
  );
  await waitFor('the late callback to be projected', async () => {
    const client = new pg.Client({ connectionString: stack.databaseUrl });
    await client.connect();
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM events WHERE stream_id = $1 AND type = 'MessageFailed'`,
      [json.id],
    );
    await client.end();
    return rows[0]?.n === '1';
  });
  t.is((await get(stack, json.id)).json.status, 'delivered');
});

test('bad requests get 4xx problem-details with a stable code, never 500', async (t) => {
  const { stack } = t.context;
  const post = (body: string, contentType = 'application/json') =>
    fetch(`${stack.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${stack.apiKey}`, 'Content-Type': contentType },
      body,
    });
  const cases: [string, Promise<Response>, number, string][] = [
    ['malformed JSON', post('{"channel":'), 400, 'malformed_json'],
    [
      'wrong types',
      post(JSON.stringify({ channel: 'sms', to: 14155550100, text: ['x'] })),
      400,
      'validation_failed',
    ],
    [
      'unknown field',
      post(JSON.stringify({ channel: 'sms', to: '+14155550100', text: 'x', sned_at: 'now' })),
      400,
      'validation_failed',
    ],
    [
      'bad E.164',
      post(JSON.stringify({ channel: 'sms', to: '0044 20 7946 0000', text: 'x' })),
      400,
      'validation_failed',
    ],
    [
      'unknown channel',
      post(JSON.stringify({ channel: 'pigeon', to: '+14155550100', text: 'x' })),
      400,
      'validation_failed',
    ],
    [
      'oversize body',
      post(JSON.stringify({ channel: 'sms', to: '+14155550100', text: 'x'.repeat(2 * 1024 * 1024) })),
      413,
      'payload_too_large',
    ],
    ['not JSON', post('channel=sms', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type'],
    [
      'unknown route',
      fetch(`${stack.baseUrl}/v1/nope`, { headers: { Authorization: `Bearer ${stack.apiKey}` } }),
      404,
      'not_found',
    ],
    [
      'malformed id',
      fetch(`${stack.baseUrl}/v1/messages/not-a-uuid`, {
        headers: { Authorization: `Bearer ${stack.apiKey}` },
      }),
      404,
      'not_found',
    ],
  ];
  for (const [name, pending, status, code] of cases) {
    const response = await pending;
    t.is(response.status, status, name);
    t.is(response.headers.get('content-type'), 'application/problem+json', name);
    const problem = (await response.json()) as { code: string; status: number; type: string; title: string };
    t.is(problem.code, code, name);
    t.is(problem.status, status, name);
    t.truthy(problem.title, name);
  }
  const wrongTypes = (await (
    await post(JSON.stringify({ channel: 'sms', to: 14155550100, text: ['x'] }))
  ).json()) as {
    errors: { field: string }[];
  };
  t.deepEqual(wrongTypes.errors.map((e) => e.field).sort(), ['text', 'to']);
});

test('usage shows messages, deliveries and spend per day and channel', async (t) => {
  const { stack } = t.context;
  const { json } = await send(stack, { channel: 'sms', to: '+14155550103', text: 'count me' });
  await untilStatus(stack, json.id, 'delivered');
  const today = new Date().toISOString().slice(0, 10);
  const usage = await waitFor('spend to be captured', async () => {
    const response = await fetch(`${stack.baseUrl}/v1/usage?from=${today}&to=${today}`, {
      headers: { Authorization: `Bearer ${stack.apiKey}` },
    });
    const body = (await response.json()) as {
      data: {
        day: string;
        channel: string;
        messages: number;
        delivered: number;
        spend: { micros: number };
      }[];
    };
    const sms = body.data.find((row) => row.channel === 'sms');
    return sms && sms.spend.micros > 0 ? sms : undefined;
  });
  t.is(usage.day, today);
  t.true(usage.messages >= 1 && usage.delivered >= 1);
  const bad = await fetch(`${stack.baseUrl}/v1/usage?from=2026-02-30x`, {
    headers: { Authorization: `Bearer ${stack.apiKey}` },
  });
  t.is(bad.status, 400);
});
