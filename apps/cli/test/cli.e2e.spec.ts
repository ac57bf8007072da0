import { randomBytes } from 'node:crypto';
import anyTest from 'ava';
import type { TestFn } from 'ava';
import { requireServices, runCli, startStack, uniqueId, waitFor } from '@herald/testkit';
import type { TestStack } from '@herald/testkit';

const ADMIN_TOKEN = `hadm_${randomBytes(24).toString('base64url')}`;
const test = anyTest as TestFn<{ stack: TestStack }>;

test.before(async (t) => {
  t.context.stack = await startStack(await requireServices(), { env: { HERALD_ADMIN_TOKEN: ADMIN_TOKEN } });
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

/** Runs the CLI as its own process, the way `npm run herald -- ...` does. */
const herald = (stack: TestStack, args: string[], env: Record<string, string> = {}) =>
  runCli(args, { HERALD_URL: stack.baseUrl, HERALD_ADMIN_TOKEN: ADMIN_TOKEN, ...env });

const send = (stack: TestStack, key: string) =>
  fetch(`${stack.baseUrl}/v1/messages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ channel: 'sms', to: '+14155550199', text: 'sent with a CLI-issued key' }),
  });

test('the CLI creates a tenant, issues a key that sends, adds credits and revokes the key', async (t) => {
  const { stack } = t.context;
  const id = `cli-${uniqueId()}`;

  const created = await herald(stack, ['tenant', 'create', '--id', id, '--name', 'CLI Corp']);
  t.is(created.code, 0, created.stderr);
  t.regex(created.stdout, new RegExp(`Created tenant ${id}`));
  t.regex((await herald(stack, ['tenant', 'list'])).stdout, new RegExp(`${id}\\s+CLI Corp\\s+active`));

  const issued = await herald(stack, ['key', 'issue', id, '--name', 'ci', '--json']);
  t.is(issued.code, 0, issued.stderr);
  const key = JSON.parse(issued.stdout) as { id: string; key: string };
  t.regex(key.key, /^hk_/);

  const credited = await herald(stack, ['credits', 'add', id, '2.5', '--reference', 'welcome']);
  t.is(credited.code, 0, credited.stderr);
  t.regex(credited.stdout, /Added 2\.5 credits/);
  const shown = JSON.parse((await herald(stack, ['credits', 'show', id, '--json'])).stdout) as {
    balance: { balance_micros: number };
    entries: { reference: string }[];
  };
  t.is(shown.balance.balance_micros, 2_500_000);
  t.is(shown.entries.at(-1)?.reference, 'welcome');

  const accepted = await send(stack, key.key);
  t.is(accepted.status, 202, await accepted.clone().text());
  const messageId = ((await accepted.json()) as { id: string }).id;
  await waitFor('the message to be readable with the key', async () => {
    const response = await fetch(`${stack.baseUrl}/v1/messages/${messageId}`, {
      headers: { Authorization: `Bearer ${key.key}` },
    });
    return response.status === 200;
  });

  const listed = await herald(stack, ['key', 'list', id]);
  t.regex(listed.stdout, new RegExp(`${key.id}\\s+ci\\s+${key.key.slice(0, 10)}…`));
  t.false(listed.stdout.includes(key.key), 'the secret is never listed');

  const revoked = await herald(stack, ['key', 'revoke', id, key.id]);
  t.is(revoked.code, 0, revoked.stderr);
  t.regex(revoked.stdout, new RegExp(`Revoked key ${key.id}`));
  t.is((await send(stack, key.key)).status, 401);
});

test('the CLI exits non-zero with the problem detail, and explains its usage', async (t) => {
  const { stack } = t.context;
  const missing = await herald(stack, ['tenant', 'show', 'no-such-tenant']);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /No tenant no-such-tenant\. \(not_found, HTTP 404\)/);

  const forbidden = await herald(stack, ['tenant', 'list'], { HERALD_ADMIN_TOKEN: 'hk_not_the_admin_token' });
  t.is(forbidden.code, 1);
  t.regex(forbidden.stderr, /forbidden, HTTP 403/);

  const invalid = await herald(stack, ['credits', 'add', 'whoever', 'lots']);
  t.is(invalid.code, 1);
  t.regex(invalid.stderr, /amount: /);

  const usage = await herald(stack, ['key', 'revoke', 'only-one-argument']);
  t.is(usage.code, 2);
  t.regex(usage.stderr, /usage: herald key revoke <tenant> <keyId>/);
  t.is((await herald(stack, ['tenant', 'create', '--id', 'x', '--bogus'])).code, 2);
  t.is((await herald(stack, ['nonsense'])).code, 2);

  const help = await herald(stack, ['key', 'issue', '--help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /Usage: herald key issue <tenant>/);
  t.regex(help.stdout, /--name <value>/);
  t.regex((await herald(stack, ['--help'])).stdout, /credits add <tenant> <amount>/);
});
