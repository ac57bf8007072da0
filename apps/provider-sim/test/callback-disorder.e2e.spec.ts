import test from 'ava';
import pg from 'pg';
import { requireServices, startStack, waitFor } from '@herald/testkit';

test('duplicated and reversed provider callbacks never move a status backwards nor count twice', async (t) => {
  const stack = await startStack(await requireServices(), {
    simulatorEnv: {
      SIM_DUPLICATE_CALLBACK_RATE: '1',
      SIM_OUT_OF_ORDER_RATE: '1',
      SIM_UNDELIVERED_RATE: '0.3',
    },
  });
  const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  t.teardown(async () => {
    await db.end();
    await stack.stop();
  });
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const response = await fetch(`${stack.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${stack.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ channel: 'sms', to: `+1415555${String(1000 + i)}`, text: 'disorder' }),
    });
    ids.push(((await response.json()) as { id: string }).id);
  }
  const rows = await waitFor(
    'every message to reach its final status',
    async () => {
      const { rows } = await db.query<{ id: string; status: string; provider_id: string }>(
        `SELECT id, status, provider_id FROM messages WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      const final = rows.filter((row) => ['delivered', 'undelivered', 'failed'].includes(row.status));
      if (final.length !== ids.length) t.log(JSON.stringify(rows.filter((row) => !final.includes(row))));
      return final.length === ids.length ? final : undefined;
    },
    { timeoutMs: 60000, intervalMs: 2000 },
  );
  // SMPP receipts are not disordered by the simulator; the Twilio callbacks are, twice over.
  const twilio = rows.filter((row) => row.provider_id.startsWith('twilio'));
  t.true(twilio.length > 0);
  const { rows: counts } = await db.query<{ stream_id: string; finals: string }>(
    `SELECT stream_id, count(*) AS finals FROM events
      WHERE stream_id = ANY($1::uuid[]) AND type IN ('MessageDelivered', 'MessageUndelivered') GROUP BY stream_id`,
    [twilio.map((row) => row.id)],
  );
  for (const row of counts)
    t.is(row.finals, '1', `message ${row.stream_id} recorded its final callback once`);
  const stats = (await (await fetch(`${stack.simulatorUrl}/sim/stats`)).json()) as Record<string, unknown>;
  t.log(JSON.stringify(stats).slice(0, 400));
  for (const row of twilio) t.not(row.status, 'sent', 'a reversed `sent` never overwrote the final status');
});
