import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { runCli } from '../src/run.js';

interface Sent {
  method: string;
  url: string;
  authorization: string | null;
  body: unknown;
}

/** Runs the CLI in-process against a stub of the admin API that answers `answer`. */
async function cli(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; answer?: Response; secretsFile?: string } = {},
) {
  const sent: Sent[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const stub: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    sent.push({
      method: init?.method ?? 'GET',
      url: String(input),
      authorization: headers.get('authorization'),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    return options.answer ?? Response.json({});
  };
  const code = await runCli(argv, {
    env: options.env ?? { HERALD_URL: 'http://herald.test:9999', HERALD_ADMIN_TOKEN: 'tok' },
    output: { out: (line) => out.push(line), err: (line) => err.push(line) },
    fetch: stub,
    secretsFile: options.secretsFile ?? join(tmpdir(), 'no-such-dev-secrets.json'),
  });
  return { code, sent, out, err };
}

test('credits add posts the amount as given, with the reference, to the tenant', async (t) => {
  const answer = Response.json(
    { entry: { amount: '12.5' }, balance: { balance: '12.5', held: '0', available: '12.5' } },
    { status: 201 },
  );
  const { code, sent, out } = await cli(['credits', 'add', 'acme', '12.5', '--reference', 'inv-9'], {
    answer,
  });
  t.is(code, 0);
  t.deepEqual(sent, [
    {
      method: 'POST',
      url: 'http://herald.test:9999/v1/admin/tenants/acme/credits',
      authorization: 'Bearer tok',
      body: { amount: '12.5', reference: 'inv-9' },
    },
  ]);
  t.is(out[0], 'Added 12.5 credits to acme.');
});

test('an API problem exits 1 with its detail and field errors', async (t) => {
  const answer = Response.json(
    {
      code: 'validation_failed',
      title: 'The request body is invalid',
      errors: [{ field: 'id', message: 'a slug' }],
    },
    { status: 400 },
  );
  const { code, err } = await cli(['tenant', 'create', '--id', 'Bad', '--name', 'x'], { answer });
  t.is(code, 1);
  t.is(err.join('\n'), 'error: The request body is invalid\n  id: a slug (validation_failed, HTTP 400)');
});

test('without HERALD_ADMIN_TOKEN the development secrets file supplies the token, never in production', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-cli-'));
  const secretsFile = join(dir, 'dev-secrets.json');
  writeFileSync(secretsFile, JSON.stringify({ demoApiKey: 'hk_x', adminToken: 'hadm_from_file' }));
  const answer = Response.json({ data: [] });
  const dev = await cli(['tenant', 'list'], { env: {}, secretsFile, answer });
  t.is(dev.code, 0);
  t.is(dev.sent[0]?.authorization, 'Bearer hadm_from_file');
  t.is(dev.sent[0]?.url, 'http://127.0.0.1:8080/v1/admin/tenants');
  const production = await cli(['tenant', 'list'], { env: { NODE_ENV: 'production' }, secretsFile });
  t.is(production.code, 2);
  t.deepEqual(production.sent, []);
  t.regex(production.err.join('\n'), /HERALD_ADMIN_TOKEN/);
});

test('usage mistakes exit 2 and send nothing', async (t) => {
  for (const argv of [
    [],
    ['tenant'],
    ['tenant', 'show'],
    ['key', 'issue', 'acme', '--nmae', 'x'],
    ['fly', 'away'],
  ]) {
    const { code, sent } = await cli(argv);
    t.is(code, 2, argv.join(' '));
    t.deepEqual(sent, [], argv.join(' '));
  }
});
