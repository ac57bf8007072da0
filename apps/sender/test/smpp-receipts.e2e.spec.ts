import test from 'ava';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { repoRoot, requireServices, startStack, waitFor } from '@herald/testkit';

test('SMPP receipts become events: DELIVRD ends delivered, UNDELIV ends undelivered with its error', async (t) => {
  // Only the development SMPP account, so every message goes through the simulator's SMSC.
  const dev = JSON.parse(readFileSync(join(repoRoot, 'config', 'providers.dev.json'), 'utf8')) as {
    providers: { kind: string; weight: number }[];
  };
  const file = join(mkdtempSync(join(tmpdir(), 'herald-smpp-')), 'providers.json');
  writeFileSync(
    file,
    JSON.stringify({
      providers: dev.providers.filter((p) => p.kind === 'smpp').map((p) => ({ ...p, weight: 1 })),
    }),
  );
  const stack = await startStack(await requireServices(), {
    env: { HERALD_PROVIDERS_FILE: file },
    simulatorEnv: { SIM_UNDELIVERED_RATE: '0.5', SIM_SEED: '11' },
  });
  const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  t.teardown(async () => {
    await db.end();
    await stack.stop();
  });
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    const response = await fetch(`${stack.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${stack.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ channel: 'sms', to: `+1415556${String(1000 + i)}`, text: `receipt ${i}` }),
    });
    ids.push(((await response.json()) as { id: string }).id);
  }
  const rows = await waitFor('every SMPP message to get its receipt', async () => {
    const { rows } = await db.query<{ status: string; error_code: string | null; provider_id: string }>(
      `SELECT status, error_code, provider_id FROM messages WHERE id = ANY($1::uuid[]) AND status IN ('delivered', 'undelivered')`,
      [ids],
    );
    return rows.length === ids.length ? rows : undefined;
  });
  t.true(rows.every((row) => row.provider_id === 'smpp-sim'));
  const undelivered = rows.filter((row) => row.status === 'undelivered');
  t.true(
    undelivered.length > 0 && undelivered.length < ids.length,
    `${undelivered.length} of ${ids.length} undelivered`,
  );
  for (const row of undelivered) t.regex(row.error_code ?? '', /^smpp_err_/);
});
