// `npm run bench`: Herald's benchmarks, measured against baselines in the same run.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { repoRoot, requireServices } from '@herald/testkit';
import { startBenchStack } from './herald/stack.js';
import type { BenchStack } from './herald/stack.js';
import type { BenchReport } from './report.js';
import { describeMachine, markdown, writeReport } from './report.js';
import { benchBatch } from './scenarios/batch.js';
import { benchPlan } from './scenarios/context.js';
import type { ScenarioContext, ScenarioResult } from './scenarios/context.js';
import { benchE2e } from './scenarios/e2e.js';
import { benchHello } from './scenarios/hello.js';
import { benchIngress } from './scenarios/ingress.js';
import { benchKafka } from './scenarios/kafka.js';
import { benchLatency } from './scenarios/latency.js';
import { benchPostgres } from './scenarios/postgres.js';
import { projectionScenario } from './scenarios/projection.js';
import { benchSweep } from './scenarios/sweep.js';
import { webhooksScenario } from './scenarios/webhooks.js';

/** Every scenario in the order a run takes them: baselines first, then Herald. */
const SCENARIOS = {
  hello: benchHello,
  kafka: benchKafka,
  pg: benchPostgres,
  ingress: benchIngress,
  batch: benchBatch,
  latency: benchLatency,
  e2e: benchE2e,
  sweep: benchSweep,
  projection: projectionScenario,
  webhooks: webhooksScenario,
} satisfies Record<string, (context: ScenarioContext) => Promise<ScenarioResult>>;
type ScenarioName = keyof typeof SCENARIOS;
const NAMES = Object.keys(SCENARIOS) as ScenarioName[];

/** Scenarios that run one after the other on one Herald stack (each with its own tenant and ledger). */
const SHARED_STACK: Partial<Record<ScenarioName, string>> = {
  ingress: 'ingest',
  batch: 'ingest',
  latency: 'pipeline',
  e2e: 'pipeline',
};
/** The stack a scenario shares; a quick sweep's one partition count is the pipeline stack's (sweep.ts). */
const sharedStackOf = (name: ScenarioName, quick: boolean) =>
  name === 'sweep' && quick ? 'pipeline' : SHARED_STACK[name];
/** The baseline each Herald scenario's ratio needs, run with it even when not asked for. */
const NEEDS: Partial<Record<ScenarioName, ScenarioName>> = { ingress: 'hello', batch: 'kafka' };

const USAGE = `Usage: npm run bench -- [--quick] [--only a,b] [--events N] [--partitions N] [--set KEY=VALUE]... [--dry-run]

Runs the benchmarks against the local infrastructure (npm run infra:up, or what npm start provisioned),
prints the results, writes bench/results/<time>.json and <time>-<chart>.svg and appends the tables to
BENCHMARKS.md. Scenarios (all by default, in this order):
  hello       baseline: hello-world Hono POST server (own process), closed model
  kafka       baseline: raw KafkaJS produce of Avro MessageAccepted, batches of 1,000, acks=-1
  pg          baseline: raw Postgres unnest upserts into a table like messages
  ingress     POST /v1/messages at fixed concurrency: requests/s, p50/p99, errors, % of hello
  batch       POST /v1/messages/batch and /v1/broadcasts: messages/s accepted (durable)
  latency     end-to-end p50/p99 at 1,000 messages/s (open model)
  e2e         sustained end-to-end throughput at an open-model rate, lag over time
  sweep       partitions 1, 3, 6, 12 × router/sender/projector instances 1, 2, 4
  projection  projector under load and replay of every read model (issue 5)
  webhooks    webhook fan-out to a local receiver (issue 6)
Every Herald scenario ends with a ledger check; a run whose ledger does not balance exits non-zero.
  --quick         a smoke run: smaller sizes, shorter durations, one sweep point pair (under 3 minutes)
  --only a,b      just these scenarios (ingress also runs hello, batch also runs kafka, for the ratios)
  --events N      events of the projection scenario (default 200,000; --quick 20,000); webhooks a tenth
  --partitions N  partitions of the ingress, batch, latency and e2e stacks (default 6)
  --set K=V       an environment variable for every Herald process (repeatable), e.g. HERALD_SENDER_MAX_IN_FLIGHT=256
  --dry-run       write the JSON and charts to ${join(tmpdir(), 'herald-bench')} and leave BENCHMARKS.md alone`;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    only: { type: 'string' },
    events: { type: 'string' },
    partitions: { type: 'string' },
    set: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' },
    help: { type: 'boolean' },
  },
  strict: true,
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const fail = (message: string): never => {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
};
const asked = values.only?.split(',').map((name) => name.trim()) ?? NAMES;
for (const name of asked) if (!NAMES.includes(name as ScenarioName)) fail(`unknown scenario "${name}"`);
const selected = NAMES.filter(
  (name) => asked.includes(name) || asked.some((other) => NEEDS[other as ScenarioName] === name),
);
const events = values.events === undefined ? undefined : Number(values.events);
if (events !== undefined && (!Number.isInteger(events) || events < 1000))
  fail('--events must be an integer of at least 1000');
const partitions = values.partitions === undefined ? undefined : Number(values.partitions);
if (partitions !== undefined && (!Number.isInteger(partitions) || partitions < 1 || partitions > 100))
  fail('--partitions must be an integer from 1 to 100');
const env: Record<string, string> = {};
for (const pair of values.set ?? []) {
  const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(pair);
  if (!match?.[1]) fail(`--set expects KEY=VALUE, got "${pair}"`);
  else env[match[1]] = match[2] ?? '';
}

const plan = benchPlan(values.quick ?? false, events);
if (partitions !== undefined) plan.partitions = partitions;
const services = await requireServices();
const client = new pg.Client({ connectionString: services.databaseUrl });
await client.connect();
const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
await client.end();

const report: BenchReport = {
  startedAt: new Date().toISOString(),
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  machine: describeMachine(`PostgreSQL ${rows[0]?.server_version ?? 'unknown'}`),
  sections: [],
  targets: [],
  failures: [],
  charts: [],
};
const started = performance.now();
const log = (line: string) =>
  console.error(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

const stacks = new Map<string, Promise<BenchStack>>();
const context: ScenarioContext = {
  services,
  plan,
  env,
  log,
  baselines: {},
  stacks: {
    get: (key, count) => {
      let stack = stacks.get(key);
      if (!stack) {
        log(`starting the "${key}" stack (${count} partitions)`);
        stack = startBenchStack(services, { partitions: count, env });
        stacks.set(key, stack);
      }
      return stack;
    },
  },
};

try {
  for (const [index, name] of selected.entries()) {
    log(`${name}: starting`);
    const begun = performance.now();
    try {
      const result = await SCENARIOS[name](context);
      report.sections.push(...result.sections);
      report.targets.push(...result.targets);
      report.charts.push(...result.charts);
      report.failures.push(...result.failures);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`${name}: failed: ${message}`);
      report.failures.push(
        `${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      );
    }
    log(`${name}: done in ${((performance.now() - begun) / 1000).toFixed(1)} s`);
    // A shared stack stops as soon as no later scenario needs it.
    const key = sharedStackOf(name, plan.quick);
    const stack = key === undefined ? undefined : stacks.get(key);
    if (
      key &&
      stack &&
      !selected.slice(index + 1).some((later) => sharedStackOf(later, plan.quick) === key)
    ) {
      stacks.delete(key);
      await (await stack).stop();
    }
  }
} finally {
  for (const stack of stacks.values()) await (await stack).stop().catch(() => undefined);
}

report.machine['run took'] = `${((performance.now() - started) / 1000).toFixed(0)} s`;
const written = await writeReport(
  repoRoot,
  report,
  values['dry-run'] ? join(tmpdir(), 'herald-bench') : undefined,
);
console.log(markdown(report));
console.error(
  `[bench] wrote ${written.json}${written.charts.map((chart) => `, ${chart}`).join('')}${written.markdown ? ` and appended to ${written.markdown}` : ''}`,
);
if (report.failures.length > 0) {
  console.error(`[bench] FAILED: ${report.failures.join('; ')}`);
  process.exitCode = 1;
}
