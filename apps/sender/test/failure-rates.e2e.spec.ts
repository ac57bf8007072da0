import test from 'ava';
import pg from 'pg';
import { requireServices, startStack, waitFor } from '@herald/testkit';

const MESSAGES = 10_000;
const TEMPORARY = 0.1;
const PERMANENT = 0.02;

test('10,000 messages with 10% temporary and 2% permanent failures all end terminal, in the injected proportions', async (t) => {
  t.timeout(600_000);
  const stack = await startStack(await requireServices(), {
    env: {
      HERALD_RETRY_DELAYS_MS: '200,400,800',
      HERALD_RETRY_MAX_ATTEMPTS: '6',
      HERALD_RATE_LIMIT_PER_SECOND: '1000',
      HERALD_RATE_LIMIT_BURST: '1000',
      HERALD_LOG_LEVEL: 'warn',
      // A 10% error rate must not trip the breakers: this run is about retries, not circuits.
      HERALD_CIRCUIT_FAILURE_RATE: '0.9',
      HERALD_CIRCUIT_CONSECUTIVE_FAILURES: '50',
    },
    simulatorEnv: {
      SIM_TEMPORARY_FAILURE_RATE: String(TEMPORARY),
      SIM_PERMANENT_FAILURE_RATE: String(PERMANENT),
      SIM_LATENCY_MS: '2',
      SIM_CALLBACK_DELAY_MS: '20',
      SIM_SEED: '2026',
    },
  });
  const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  t.teardown(async () => {
    await db.end();
    await stack.stop();
  });
  const started = Date.now();
  for (let batch = 0; batch < MESSAGES / 1000; batch++) {
    const messages = Array.from({ length: 1000 }, (_, i) => ({
      channel: 'sms',
      to: `+1415${String(batch * 1000 + i).padStart(7, '0')}`,
      text: `load ${batch}-${i}`,
    }));
    const response = await fetch(`${stack.baseUrl}/v1/messages/batch`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${stack.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ messages }),
    });
    const body = (await response.json()) as { accepted: number };
    t.is(response.status, 202);
    t.is(body.accepted, 1000);
  }
  const counts = await waitFor(
    'every message to reach a terminal status',
    async () => {
      const { rows } = await db.query<{ status: string; n: string }>(
        'SELECT status, count(*) AS n FROM messages GROUP BY status',
      );
      const byStatus = Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
      const terminal = (byStatus.delivered ?? 0) + (byStatus.failed ?? 0) + (byStatus.undelivered ?? 0);
      return terminal === MESSAGES ? byStatus : undefined;
    },
    { timeoutMs: 480_000, intervalMs: 1000 },
  );
  t.log(`statuses after ${Math.round((Date.now() - started) / 1000)} s: ${JSON.stringify(counts)}`);
  const { rows } = await db.query<{ retried: string; codes: string }>(
    `SELECT count(*) FILTER (WHERE attempts > 1) AS retried,
            string_agg(DISTINCT error_code, ',') FILTER (WHERE status = 'failed') AS codes FROM messages`,
  );
  const retried = Number(rows[0]?.retried ?? 0);
  t.log(`retried: ${retried}, failure codes: ${rows[0]?.codes}`);
  // Binomial bounds at about four standard deviations: the expectation is that the permanent
  // failures end failed, and that retries (up to 6 attempts at 10%) rescue the temporary ones.
  const failed = counts.failed ?? 0;
  const expectedFailed = MESSAGES * PERMANENT;
  const sd = Math.sqrt(MESSAGES * PERMANENT * (1 - PERMANENT));
  t.true(
    Math.abs(failed - expectedFailed) <= 4 * sd + 5,
    `failed ${failed}, expected about ${expectedFailed}`,
  );
  t.is(counts.delivered, MESSAGES - failed - (counts.undelivered ?? 0));
  // First attempts follow the development weights (twilio-primary 3, twilio-backup 1, smpp-sim 0.5).
  const { rows: firsts } = await db.query<{ provider: string; n: string }>(
    `SELECT data->>'providerId' AS provider, count(*) AS n FROM events
      WHERE type = 'MessageRouted' AND (data->>'attempt')::int = 1 GROUP BY 1`,
  );
  const weights: Record<string, number> = { 'twilio-primary': 3, 'twilio-backup': 1, 'smpp-sim': 0.5 };
  for (const { provider, n } of firsts) {
    const share = Number(n) / MESSAGES;
    const expected = (weights[provider] ?? 0) / 4.5;
    // A share of 10,000 weighted draws: binomial, bound at four standard deviations.
    t.true(
      Math.abs(share - expected) <= 4 * Math.sqrt((expected * (1 - expected)) / MESSAGES),
      `${provider}: ${share.toFixed(3)} vs ${expected.toFixed(3)}`,
    );
  }
  const expectedRetried = MESSAGES * TEMPORARY;
  t.true(
    Math.abs(retried - expectedRetried) <= 0.25 * expectedRetried,
    `retried ${retried}, expected about ${expectedRetried}`,
  );
});
