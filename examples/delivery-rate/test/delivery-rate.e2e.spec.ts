import test from 'ava';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { requireServices, startStack, waitFor } from '@herald/testkit';

const MESSAGES = 100;
const EXAMPLE = join(import.meta.dirname, '..', 'src', 'main.ts');

/** One line of the example's --json output, or of the read model (same names, same meaning). */
interface Figures {
  provider_id: string;
  minute: string;
  sent: number;
  delivered: number;
  undelivered: number;
  failed: number;
}

/** Runs the example as its own process with nothing but the broker, registry and topic prefix. */
function runExample(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', EXAMPLE, ...args], {
    cwd: join(import.meta.dirname, '..'),
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

const figuresOf = (rows: Figures[]) =>
  rows
    .map(({ provider_id, minute, sent, delivered, undelivered, failed }) => ({
      provider_id,
      minute,
      sent,
      delivered,
      undelivered,
      failed,
    }))
    .sort((a, b) => a.minute.localeCompare(b.minute) || a.provider_id.localeCompare(b.provider_id));

const sum = (rows: Figures[], key: 'sent' | 'delivered' | 'undelivered' | 'failed') =>
  rows.reduce((total, row) => total + row[key], 0);

test('the delivery-rate example prints the figures of the provider-health read model and of the messages', async (t) => {
  t.timeout(300_000);
  const services = await requireServices();
  const adminToken = `adm_${randomBytes(24).toString('base64url')}`;
  const started = Date.now();
  const stack = await startStack(services, {
    env: {
      HERALD_ADMIN_TOKEN: adminToken,
      HERALD_LOG_LEVEL: 'warn',
      // Provider refusals are the point here: they must not open the circuits.
      HERALD_CIRCUIT_FAILURE_RATE: '0.95',
      HERALD_CIRCUIT_CONSECUTIVE_FAILURES: '1000',
    },
    simulatorEnv: {
      SIM_PERMANENT_FAILURE_RATE: '0.1',
      SIM_UNDELIVERED_RATE: '0.2',
      SIM_FAILED_RATE: '0.1',
      SIM_LATENCY_MS: '2',
      SIM_CALLBACK_DELAY_MS: '20',
      SIM_SEED: '2027',
    },
  });
  const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  t.teardown(async () => {
    await db.end();
    await stack.stop();
  });

  const messages = Array.from({ length: MESSAGES }, (_, i) => ({
    channel: 'sms',
    to: `+1415${String(5_550_000 + i)}`,
    text: `delivery rate ${i}`,
  }));
  const response = await fetch(`${stack.baseUrl}/v1/messages/batch`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${stack.apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ messages }),
  });
  t.is(response.status, 202, await response.clone().text());

  const statuses = await waitFor(
    'every message to reach a terminal status',
    async () => {
      const { rows } = await db.query<{ status: string; n: string }>(
        'SELECT status, count(*) AS n FROM messages GROUP BY status',
      );
      const byStatus = Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
      const terminal = (byStatus.delivered ?? 0) + (byStatus.undelivered ?? 0) + (byStatus.failed ?? 0);
      return terminal === MESSAGES ? byStatus : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );
  t.log(`statuses: ${JSON.stringify(statuses)}`);

  const readModel = async (): Promise<Figures[]> => {
    const query = new URLSearchParams({
      from: new Date(Math.floor(started / 60_000) * 60_000 - 60_000).toISOString(),
      to: new Date(Date.now() + 120_000).toISOString(),
    });
    const health = await fetch(`${stack.baseUrl}/v1/admin/providers/health?${query}`, {
      headers: { Authorization: `Bearer ${adminToken}` },
    });
    if (health.status !== 200) throw new Error(`provider health answered ${health.status}`);
    return ((await health.json()) as { data: Figures[] }).data;
  };

  // A late MessageSent (after its callback) may still be on its way: compare until both agree.
  let printed: (Figures & { delivery_rate: number | null })[] = [];
  let expected: Figures[] = [];
  await waitFor(
    "the example's figures to equal the read model's",
    async () => {
      const run = await runExample([
        '--brokers',
        services.kafkaBrokers.join(','),
        '--registry',
        services.schemaRegistryUrl,
        '--topic-prefix',
        stack.topicPrefix,
        '--until-end',
        '--json',
      ]);
      if (run.code !== 0) throw new Error(`the example exited ${run.code}: ${run.stderr}`);
      printed = JSON.parse(run.stdout) as typeof printed;
      expected = figuresOf(await readModel());
      return JSON.stringify(figuresOf(printed)) === JSON.stringify(expected);
    },
    { timeoutMs: 90_000, intervalMs: 1000 },
  ).catch((error: unknown) => {
    t.log(`example: ${JSON.stringify(figuresOf(printed))}\nread model: ${JSON.stringify(expected)}`);
    throw error;
  });
  t.deepEqual(figuresOf(printed), expected);

  // Every outcome happened, so the comparison covers each column; and the figures match the messages.
  t.log(`example output: ${JSON.stringify(printed)}`);
  for (const key of ['sent', 'delivered', 'undelivered', 'failed'] as const)
    t.true(sum(printed, key) > 0, `some ${key}`);
  t.is(sum(printed, 'delivered'), statuses.delivered ?? 0);
  t.is(sum(printed, 'undelivered'), statuses.undelivered ?? 0);
  t.is(sum(printed, 'failed'), statuses.failed ?? 0);
  t.true(sum(printed, 'sent') >= (statuses.delivered ?? 0) + (statuses.undelivered ?? 0));
  for (const row of printed) {
    const reported = row.delivered + row.undelivered + row.failed;
    t.is(row.delivery_rate, reported === 0 ? null : row.delivered / reported, JSON.stringify(row));
  }
});
