import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import pg from 'pg';
import {
  repoRoot,
  requireServices,
  scrapeMetrics,
  startApp,
  startStack,
  sumOf,
  waitFor,
  waitUntilReady,
} from '@herald/testkit';
import type { TestStack } from '@herald/testkit';

// Receipts are due this long after each submit_sm: long enough for the sender to be restarted (and
// the projector stopped) first. The test checks that no receipt was due before the restarted sender
// had bound, so a slow machine fails it with that reason rather than with a lost receipt.
const RECEIPT_DELAY_MS = 25_000;
const COHORT = 6;

interface SmppStats {
  accepted: number;
  bindsAccepted: number;
  sessionsBound: number;
  receipts: { sent: number; acknowledged: number; unanswered: number; undeliverable: number };
}

/**
 * The development SMPP account alone, with a short `timeoutMs`: a restarted sender holds a receipt
 * for an id it never sent that long (in case its submit_sm_resp is still on the way).
 */
function smppOnlyProviders(): string {
  const dev = JSON.parse(readFileSync(join(repoRoot, 'config', 'providers.dev.json'), 'utf8')) as {
    providers: { kind: string; options: Record<string, unknown> }[];
  };
  const providers = dev.providers
    .filter((p) => p.kind === 'smpp')
    .map((p) => ({ ...p, weight: 1, options: { ...p.options, timeoutMs: 2_000 } }));
  const file = join(mkdtempSync(join(tmpdir(), 'herald-smpp-restart-')), 'providers.json');
  writeFileSync(file, JSON.stringify({ providers }));
  return file;
}

async function smppStats(stack: TestStack): Promise<SmppStats> {
  const response = await fetch(`${stack.simulatorUrl}/sim/stats`);
  return ((await response.json()) as { smpp: SmppStats }).smpp;
}

async function send(stack: TestStack, label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < COHORT; i++) {
    const response = await fetch(`${stack.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${stack.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        channel: 'sms',
        to: `+1415557${String(1000 + ids.length)}`,
        text: `${label} ${i}`,
      }),
    });
    if (response.status !== 202)
      throw new Error(`send answered ${response.status}: ${await response.text()}`);
    ids.push(((await response.json()) as { id: string }).id);
  }
  return ids;
}

/** SIGTERM, then the same app again on the same ports; resolves once it is ready. */
async function restart(stack: TestStack, app: 'sender' | 'projector', opsPortVar: string): Promise<void> {
  await stack.apps.get(app)?.stop();
  const started = startApp(app, stack.env);
  stack.apps.set(app, started);
  await waitUntilReady(started, `http://127.0.0.1:${stack.env[opsPortVar] ?? ''}/readyz`, 90_000);
}

/**
 * SMPP receipts that reach a sender which did not send the message (here: the same sender after a
 * restart) still end their messages, exactly once. Cohort A was projected as sent before the restart:
 * its receipts are matched in the read model. Cohort B was sent while the projector was stopped: its
 * receipts overtake the MessageSent, are parked, and the projector releases them when it records it.
 */
test('receipts that reach a restarted sender end every message exactly once, projected or not', async (t) => {
  const stack = await startStack(await requireServices(), {
    env: { HERALD_PROVIDERS_FILE: smppOnlyProviders() },
    simulatorEnv: {
      SIM_CALLBACK_DELAY_MS: String(RECEIPT_DELAY_MS),
      SIM_UNDELIVERED_RATE: '0.3',
      SIM_SEED: '7',
    },
  });
  const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  t.teardown(async () => {
    await db.end();
    await stack.stop();
  });

  const started = Date.now();
  const projected = await send(stack, 'projected');
  await waitFor('cohort A to be sent and projected', async () => {
    const { rows } = await db.query(
      `SELECT 1 FROM messages WHERE id = ANY($1::uuid[]) AND status = 'sent' AND provider_message_id IS NOT NULL`,
      [projected],
    );
    return rows.length === COHORT;
  });
  await stack.apps.get('projector')?.stop();
  const overtaking = await send(stack, 'overtaking');
  await waitFor('the SMSC to accept cohort B', async () => (await smppStats(stack)).accepted === 2 * COHORT);

  await restart(stack, 'sender', 'HERALD_SENDER_OPS_PORT');
  const bound = await waitFor('the restarted sender to bind', async () => {
    const stats = await smppStats(stack);
    return stats.bindsAccepted === 2 && stats.sessionsBound === 1 ? stats : undefined;
  });
  t.log(`the restarted sender bound ${Date.now() - started} ms after the first send`);
  t.is(
    bound.receipts.sent + bound.receipts.undeliverable,
    0,
    `the restart must finish before the first receipt is due: raise RECEIPT_DELAY_MS (${RECEIPT_DELAY_MS})`,
  );

  const senderMetrics = `http://127.0.0.1:${stack.env.HERALD_SENDER_OPS_PORT ?? ''}/metrics`;
  const settled = await waitFor(
    'the restarted sender to settle every receipt',
    async () => {
      const metrics = await scrapeMetrics(senderMetrics);
      const count = (outcome: string) => sumOf(metrics, 'herald_sender_receipts_total', { outcome });
      const outcomes = Object.fromEntries(
        ['memory', 'read_model', 'parked', 'lost'].map((outcome) => [outcome, count(outcome)]),
      );
      return Object.values(outcomes).reduce((a, b) => a + b, 0) === 2 * COHORT ? outcomes : undefined;
    },
    { timeoutMs: RECEIPT_DELAY_MS + 30_000, intervalMs: 250 },
  );
  t.deepEqual(
    settled,
    { memory: 0, read_model: COHORT, parked: COHORT, lost: 0 },
    'A matched in the read model, B parked',
  );
  const parked = await db.query<{ n: string }>('SELECT count(*) AS n FROM pending_provider_callbacks');
  t.is(parked.rows[0]?.n, String(COHORT));

  await restart(stack, 'projector', 'HERALD_PROJECTOR_OPS_PORT');
  const ids = [...projected, ...overtaking];
  const final = await waitFor(
    'every message to reach its final status',
    async () => {
      const { rows } = await db.query<{ id: string; status: string }>(
        `SELECT id, status FROM messages WHERE id = ANY($1::uuid[]) AND status IN ('delivered', 'undelivered')`,
        [ids],
      );
      return rows.length === ids.length ? rows : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  const undelivered = final.filter((row) => row.status === 'undelivered').length;
  t.true(undelivered > 0 && undelivered < ids.length, `${undelivered} of ${ids.length} undelivered`);

  const { rows: deliveries } = await db.query<{ stream_id: string; type: string; n: string }>(
    `SELECT stream_id, min(type) AS type, count(*) AS n FROM events
      WHERE stream_id = ANY($1::uuid[]) AND type IN ('MessageDelivered', 'MessageUndelivered', 'MessageFailed')
      GROUP BY stream_id`,
    [ids],
  );
  t.is(deliveries.length, ids.length, 'every message has its delivery event');
  const statusOf = new Map(final.map((row) => [row.id, row.status]));
  for (const row of deliveries) {
    t.is(row.n, '1', `one delivery event for ${row.stream_id}`);
    t.is(row.type, statusOf.get(row.stream_id) === 'delivered' ? 'MessageDelivered' : 'MessageUndelivered');
  }
  // Matched or released, a receipt's event stays in the trace its message was sent in.
  const { rows: traces } = await db.query<{
    stream_id: string;
    delivery: string | null;
    sent: string | null;
  }>(
    `SELECT d.stream_id, d.metadata->>'traceparent' AS delivery, s.metadata->>'traceparent' AS sent
       FROM events d JOIN events s ON s.stream_id = d.stream_id AND s.type = 'MessageSent'
      WHERE d.stream_id = ANY($1::uuid[]) AND d.type IN ('MessageDelivered', 'MessageUndelivered')`,
    [ids],
  );
  t.is(traces.length, ids.length);
  for (const row of traces) {
    t.truthy(row.sent, `the send of ${row.stream_id} has a trace`);
    t.is(row.delivery, row.sent, `the receipt of ${row.stream_id} is in the trace of its send`);
  }
  const left = await db.query('SELECT 1 FROM pending_provider_callbacks');
  t.is(left.rows.length, 0, 'the projector released every parked receipt');
  const stats = await smppStats(stack);
  t.like(stats.receipts, { sent: 2 * COHORT, acknowledged: 2 * COHORT, undeliverable: 0 });
});
