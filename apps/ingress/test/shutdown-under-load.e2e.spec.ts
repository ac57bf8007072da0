// SIGTERM under load loses nothing. While clients post messages without pause, the router, the sender
// and the projector are each stopped with SIGTERM (exit 0, "stopped cleanly") and started again, then
// the ingress itself. Afterwards every message answered 202 is in the read model exactly once and
// reached its end, no batch was applied twice or in part (the read models, the credits ledger and
// the provider's own count agree with the event store), and requests the draining ingress did not
// take got a 503 `shutting_down` or a refused connection, never an answer after storing the message.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import anyTest from 'ava';
import type { ExecutionContext, TestFn } from 'ava';
import pg from 'pg';
import { requireServices, startApp, startStack, waitFor, waitUntilReady } from '@herald/testkit';
import type { AppProcess, TestStack } from '@herald/testkit';

const test = anyTest.serial as TestFn<{ stack: TestStack; pool: pg.Pool; dir: string }>;

// Open-loop load: a steady arrival rate, at most IN_FLIGHT requests at once. The rate is what a
// two-core machine running the whole stack can carry without a backlog that outlasts the test.
const RATE_PER_SECOND = 120;
const IN_FLIGHT = 16;
// Accepted messages between two steps, so every stop happens with work flowing through the app.
const STEP = 250;
const TERMINAL = ['delivered', 'read', 'undelivered', 'failed', 'expired', 'cancelled'];

// Only the HTTP providers: their receipts come back as signed callbacks, which the simulator retries
// while the ingress restarts. (An SMPP receipt that arrives at a restarted sender names a message
// that process never sent, so it is dropped as unattributed: not what this test is about.)
const PROVIDERS = {
  providers: ['twilio-primary', 'twilio-backup'].map((id, index) => ({
    id,
    kind: 'twilio',
    channel: 'sms',
    weight: index === 0 ? 3 : 1,
    options: {
      baseUrl: '${HERALD_TWILIO_BASE_URL}',
      accountSid: '${HERALD_TWILIO_ACCOUNT_SID:-ACherald0000000000000000000000000}',
      authToken: '${HERALD_TWILIO_AUTH_TOKEN:-dev-twilio-auth-token}',
      from: `+1555000000${index + 1}`,
    },
  })),
};

/** What a request that did not get 202 got instead. */
interface Refusal {
  to: string;
  during: 'ingress-drain' | 'steady';
  kind: 'shutting_down' | 'refused' | 'unexpected';
  detail: string;
}

/** Clients posting messages at a steady rate; each 202 recorded with its id and recipient. */
class Load {
  readonly accepted: { id: string; to: string }[] = [];
  readonly refusals: Refusal[] = [];
  #sent = 0;
  #stopping = false;
  #nextSlot = 0;
  #outage: Promise<void> | null = null;
  #outageOver: () => void = () => undefined;
  #workers: Promise<void>[] = [];

  constructor(
    private readonly stack: TestStack,
    private readonly rate: number,
  ) {}

  start(workers: number): void {
    this.#workers = Array.from({ length: workers }, () => this.#work());
  }

  /** From now until `outageEnded`, a worker whose request is refused waits instead of retrying. */
  outageExpected(): void {
    this.#outage = new Promise((resolve) => (this.#outageOver = resolve));
  }

  outageEnded(): void {
    this.#outage = null;
    this.#outageOver();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.outageEnded();
    await Promise.all(this.#workers);
  }

  async #work(): Promise<void> {
    while (!this.#stopping) {
      await this.#pace();
      const to = `+1415${String(2_000_000 + this.#sent++)}`;
      const refusal = await this.#post(to);
      if (refusal === null) continue;
      // Judged when the answer comes: a request sent just before the SIGTERM may meet the drain.
      const outage = this.#outage;
      this.refusals.push({ to, during: outage ? 'ingress-drain' : 'steady', ...refusal });
      if (outage) await outage;
    }
  }

  // Arrivals are spaced 1/rate apart whatever the answers take: a rate limiter, not a wait for a condition.
  async #pace(): Promise<void> {
    const now = performance.now();
    const slot = Math.max(this.#nextSlot, now);
    this.#nextSlot = slot + 1000 / this.rate;
    if (slot > now) await delay(slot - now);
  }

  async #post(to: string): Promise<Pick<Refusal, 'kind' | 'detail'> | null> {
    let response: Response;
    try {
      response = await fetch(`${this.stack.baseUrl}/v1/messages`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${this.stack.apiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ channel: 'sms', to, text: `load ${to}` }),
      });
    } catch (error) {
      const code = String((error as { cause?: { code?: unknown } }).cause?.code ?? error);
      // A connection closed under a request (UND_ERR_SOCKET, ECONNRESET) would leave the client
      // not knowing whether its message was accepted: the drain must never do that.
      return { kind: code === 'ECONNREFUSED' ? 'refused' : 'unexpected', detail: code };
    }
    const body = (await response.json()) as { id?: string; code?: string };
    if (response.status === 202 && body.id) {
      this.accepted.push({ id: body.id, to });
      return null;
    }
    if (response.status === 503 && body.code === 'shutting_down')
      return { kind: 'shutting_down', detail: `${response.status} ${body.code}` };
    return { kind: 'unexpected', detail: `${response.status} ${body.code ?? ''}` };
  }
}

test.before(async (t) => {
  const services = await requireServices();
  const dir = await mkdtemp(join(tmpdir(), 'herald-shutdown-'));
  const providersFile = join(dir, 'providers.json');
  await writeFile(providersFile, JSON.stringify(PROVIDERS));
  const stack = await startStack(services, {
    env: {
      HERALD_PROVIDERS_FILE: providersFile,
      HERALD_RATE_LIMIT_PER_SECOND: '100000',
      HERALD_RATE_LIMIT_BURST: '100000',
      HERALD_SHUTDOWN_TIMEOUT_MS: '20000',
    },
    // Callbacks refused while the ingress restarts are retried for long enough (about 50 s).
    simulatorEnv: { SIM_CALLBACK_MAX_ATTEMPTS: '9' },
  });
  t.context = { stack, pool: new pg.Pool({ connectionString: stack.databaseUrl, max: 2 }), dir };
});

test.after.always(async (t) => {
  await t.context.pool?.end();
  await t.context.stack?.stop();
  if (t.context.dir) await rm(t.context.dir, { recursive: true, force: true });
});

function readyUrl(stack: TestStack, name: string): string {
  const port = {
    router: stack.env.HERALD_ROUTER_OPS_PORT,
    sender: stack.env.HERALD_SENDER_OPS_PORT,
    projector: stack.env.HERALD_PROJECTOR_OPS_PORT,
  }[name];
  return port ? `http://127.0.0.1:${port}/readyz` : `${stack.baseUrl}/readyz`;
}

/** SIGTERM, then: exit 0 with the clean-shutdown line, and the same app started again and ready. */
async function restart(t: ExecutionContext, stack: TestStack, name: string): Promise<void> {
  const app = stack.apps.get(name) as AppProcess;
  const started = performance.now();
  app.child.kill('SIGTERM');
  const { code, signal } = await app.exited;
  const stoppedMs = Math.round(performance.now() - started);
  t.is(code, 0, `${name} exits 0 after SIGTERM (signal ${String(signal)}):\n${app.output().slice(-3000)}`);
  t.regex(app.output(), /"msg":"stopped cleanly"/, `${name} logs its clean shutdown`);
  t.notRegex(app.output(), /shutdown deadline exceeded|shutdown failed/);
  const again = startApp(name, stack.env);
  stack.apps.set(name, again);
  await waitUntilReady(again, readyUrl(stack, name), 90_000);
  t.log(
    `${name}: stopped in ${stoppedMs} ms, ready again after ${Math.round(performance.now() - started)} ms`,
  );
}

async function acceptedMore(load: Load, count: number): Promise<void> {
  const target = load.accepted.length + count;
  await waitFor(`${count} more accepted messages`, () => load.accepted.length >= target, {
    timeoutMs: 60_000,
  });
}

async function rows<R extends pg.QueryResultRow>(pool: pg.Pool, sql: string, params: unknown[] = []) {
  return (await pool.query<R>(sql, params)).rows;
}

test('SIGTERM under load loses nothing and leaves no partially applied batch', async (t) => {
  t.timeout(240_000);
  const { stack, pool } = t.context;
  const load = new Load(stack, RATE_PER_SECOND);
  load.start(IN_FLIGHT);
  try {
    await acceptedMore(load, STEP);
    for (const name of ['router', 'sender', 'projector']) {
      await acceptedMore(load, STEP);
      await restart(t, stack, name);
    }
    await acceptedMore(load, STEP);
    load.outageExpected();
    await restart(t, stack, 'ingress');
    load.outageEnded();
    await acceptedMore(load, STEP);
  } finally {
    await load.stop();
  }
  const accepted = load.accepted;
  const ids = accepted.map((message) => message.id);
  const kinds = new Map<string, number>();
  for (const { during, kind } of load.refusals)
    kinds.set(`${during} ${kind}`, (kinds.get(`${during} ${kind}`) ?? 0) + 1);
  t.log(`${accepted.length} messages accepted; not accepted:`, Object.fromEntries(kinds));

  await waitFor(
    'every accepted message to reach a final status',
    async () => {
      const [row] = await rows<{ n: string }>(
        pool,
        'SELECT count(*) AS n FROM messages WHERE id = ANY($1::uuid[]) AND status = ANY($2)',
        [ids, TERMINAL],
      );
      return Number(row?.n) === ids.length;
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );

  // Nothing lost, nothing extra: the read model holds exactly the messages answered 202.
  const messages = await rows<{ id: string; recipient: string; status: string }>(
    pool,
    'SELECT id::text, recipient, status FROM messages',
  );
  t.is(messages.length, accepted.length, 'one row per accepted message, and no other');
  const pairs = (list: [string, string][]) => list.map((pair) => pair.join(' ')).sort();
  t.deepEqual(
    pairs(messages.map((row) => [row.id, row.recipient])),
    pairs(accepted.map((message) => [message.id, message.to])),
    'each message answered 202 is stored with its own recipient',
  );
  t.true(messages.every((row) => row.status === 'delivered'));

  // Requests not answered 202 came only while the ingress drained, as a clean refusal, and none of
  // their messages exists.
  t.true(
    load.refusals.some((refusal) => refusal.kind === 'shutting_down'),
    'the load reached the draining ingress, which answered 503 shutting_down',
  );
  t.deepEqual(
    load.refusals.filter((refusal) => refusal.during !== 'ingress-drain' || refusal.kind === 'unexpected'),
    [],
    'only the draining ingress refused requests, each with a 503 shutting_down or a refused connection',
  );
  const refusedRecipients = new Set(load.refusals.map((refusal) => refusal.to));
  t.false(messages.some((row) => refusedRecipients.has(row.recipient)));

  // The event store: each event once, and each message's events exactly once each.
  const [events] = await rows<{ n: string; distinct_ids: string }>(
    pool,
    'SELECT count(*) AS n, count(DISTINCT event_id) AS distinct_ids FROM events',
  );
  t.is(events?.n, events?.distinct_ids, 'no event id is stored twice');
  const perType = await rows<{ type: string; n: string; streams: string }>(
    pool,
    'SELECT type, count(*) AS n, count(DISTINCT stream_id) AS streams FROM events GROUP BY type ORDER BY type',
  );
  t.deepEqual(
    perType.map((row) => [row.type, Number(row.n), Number(row.streams)]),
    ['MessageAccepted', 'MessageDelivered', 'MessageRouted', 'MessageSent'].map((type) => [
      type,
      accepted.length,
      accepted.length,
    ]),
  );

  // The read models agree with the event store: no batch was applied in part.
  const [versions] = await rows<{ n: string }>(
    pool,
    `SELECT count(*) AS n FROM messages m
       FULL JOIN (SELECT stream_id, count(*) AS events FROM events GROUP BY stream_id) e ON e.stream_id = m.id
      WHERE m.id IS NULL OR e.stream_id IS NULL OR m.version <> e.events`,
  );
  t.is(Number(versions?.n), 0, "every message's version counts its stored events");
  const [timeline] = await rows<{ n: string }>(
    pool,
    `SELECT count(*) AS n FROM events e
       FULL JOIN message_timeline t ON t.event_id = e.event_id AND t.message_id = e.stream_id
      WHERE e.event_id IS NULL OR t.event_id IS NULL`,
  );
  t.is(Number(timeline?.n), 0, 'the timeline has one row per stored event, and no other');
  const usage = await rows<{ row: string }>(
    pool,
    `(SELECT concat_ws('|', tenant_id, day, channel, messages, delivered, failed) AS row FROM usage_daily
       WHERE messages <> 0
     EXCEPT
     SELECT concat_ws('|', tenant_id, (created_at AT TIME ZONE 'UTC')::date, channel, count(*),
                      count(*) FILTER (WHERE status IN ('delivered', 'read')),
                      count(*) FILTER (WHERE status IN ('undelivered', 'failed')))
       FROM messages GROUP BY tenant_id, (created_at AT TIME ZONE 'UTC')::date, channel)
    UNION ALL
    (SELECT concat_ws('|', tenant_id, (created_at AT TIME ZONE 'UTC')::date, channel, count(*),
                      count(*) FILTER (WHERE status IN ('delivered', 'read')),
                      count(*) FILTER (WHERE status IN ('undelivered', 'failed')))
       FROM messages GROUP BY tenant_id, (created_at AT TIME ZONE 'UTC')::date, channel
     EXCEPT
     SELECT concat_ws('|', tenant_id, day, channel, messages, delivered, failed) FROM usage_daily
       WHERE messages <> 0)`,
  );
  t.deepEqual(usage, [], 'usage_daily equals the counts computed from the messages');

  // Credits: the router's hold and the projector's capture, each exactly once per message.
  const ledger = await rows<{ kind: string; n: string }>(
    pool,
    `SELECT kind, count(*) AS n FROM ledger_entries WHERE message_id IS NOT NULL GROUP BY kind ORDER BY kind`,
  );
  t.deepEqual(
    ledger.map((row) => [row.kind, Number(row.n)]),
    [
      ['credits_captured', accepted.length],
      ['credits_held', accepted.length],
    ],
  );
  const [account] = await rows<{ held: string }>(
    pool,
    `SELECT held FROM credit_accounts WHERE tenant_id = 'demo'`,
  );
  t.is(Number(account?.held), 0, 'no hold is left open');

  // The provider was called once per message: the sender committed every batch it worked on.
  const sim = (await (await fetch(`${stack.simulatorUrl}/sim/stats`)).json()) as { accepted: number };
  t.is(sim.accepted, accepted.length);
});
