import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { topics as topicNames } from '@herald/contracts';
import type { Topics } from '@herald/contracts';
import { createPool } from '@herald/store';
import type { Pool } from '@herald/store';
import { freePort, startApp, startStack, waitUntilReady } from '@herald/testkit';
import type { AppProcess, TestServices, TestStack } from '@herald/testkit';

/** The consumer apps a sweep point runs more instances of, with the variable of each one's ops port. */
export const SCALED_APPS = [
  ['router', 'HERALD_ROUTER_OPS_PORT'],
  ['sender', 'HERALD_SENDER_OPS_PORT'],
  ['projector', 'HERALD_PROJECTOR_OPS_PORT'],
] as const;

/** The apps that do the work after ingress: paused while ingest alone is measured. */
export const DOWNSTREAM_APPS = ['router', 'sender', 'projector', 'provider-sim'] as const;

/** A whole Herald started for a benchmark, with the handles the scenarios measure it through. */
export interface BenchStack {
  stack: TestStack;
  partitions: number;
  topics: Topics;
  kafka: Kafka;
  /**
   * Admin client for end offsets and group offsets, one per stack: a KafkaJS admin keeps refreshing
   * the metadata of every topic it ever asked about, and fails once a stopped stack's topics are gone.
   */
  admin: Admin;
  /** A small pool on the stack's database (ledger and read-model queries). */
  pool: Pool;
  adminToken: string;
  /** Every app process, extra instances included, with a label for the CPU table. */
  processes: () => { label: string; app: AppProcess }[];
  /** Consumer instances of each scaled app (1 when only the stack's own run). */
  instances: () => number;
  /** Starts router, sender and projector instances until each app has `count`. */
  scaleTo: (count: number) => Promise<void>;
  /** SIGSTOP (pause) or SIGCONT (resume) the downstream apps, instances included. */
  setDownstreamPaused: (paused: boolean) => void;
  stop: () => Promise<void>;
}

/**
 * Starts the real stack (five processes, own topics and database) the way a benchmark wants it:
 * warn-level logs, the partition count asked for, a rate limit and credits no benchmark reaches,
 * an admin token to create a tenant per scenario. `env` overrides anything (`--set KEY=VALUE`).
 */
export async function startBenchStack(
  services: TestServices,
  options: { partitions: number; env: Record<string, string> },
): Promise<BenchStack> {
  const adminToken = `hadm_${randomBytes(24).toString('base64url')}`;
  const stack = await startStack(services, {
    env: {
      HERALD_LOG_LEVEL: 'warn',
      HERALD_PARTITIONS: String(options.partitions),
      HERALD_ADMIN_TOKEN: adminToken,
      HERALD_RATE_LIMIT_PER_SECOND: '1000000',
      HERALD_RATE_LIMIT_BURST: '1000000',
      ...options.env,
    },
  });
  const kafka = new Kafka({ brokers: services.kafkaBrokers, logLevel: logLevel.NOTHING, clientId: 'bench' });
  const pool = createPool(stack.databaseUrl, 4);
  const admin = kafka.admin();
  await admin.connect();
  const extra: { label: string; app: AppProcess }[] = [];
  let instances = 1;
  let paused = false;
  const processes = () => [...[...stack.apps.entries()].map(([label, app]) => ({ label, app })), ...extra];
  const signalDownstream = (signal: NodeJS.Signals) => {
    for (const { label, app } of processes())
      if (DOWNSTREAM_APPS.some((name) => label.startsWith(name)) && app.child.pid !== undefined)
        process.kill(app.child.pid, signal);
  };
  return {
    stack,
    partitions: options.partitions,
    topics: topicNames(stack.topicPrefix),
    kafka,
    admin,
    pool,
    adminToken,
    processes,
    instances: () => instances,
    scaleTo: async (count) => {
      const started: Promise<void>[] = [];
      for (let n = instances + 1; n <= count; n++)
        for (const [name, portVariable] of SCALED_APPS) {
          const port = await freePort();
          const app = startApp(name, {
            ...stack.env,
            HERALD_INSTANCE_ID: `${stack.env.HERALD_INSTANCE_ID ?? 'bench'}-${n}`,
            [portVariable]: String(port),
          });
          extra.push({ label: `${name}#${n}`, app });
          started.push(waitUntilReady(app, `http://127.0.0.1:${port}/readyz`, 90_000));
        }
      await Promise.all(started);
      instances = Math.max(instances, count);
    },
    setDownstreamPaused: (pause) => {
      if (pause === paused) return;
      signalDownstream(pause ? 'SIGSTOP' : 'SIGCONT');
      paused = pause;
    },
    stop: async () => {
      // The ledger is taken: nothing left to drain, so no graceful shutdown with a backlog to wait for,
      // unless the apps are profiled (HERALD_APP_NODE_ARGS=--cpu-prof...): Node writes the profile on exit.
      const profiled = /--cpu-prof|--heap-prof/.test(process.env.HERALD_APP_NODE_ARGS ?? '');
      signalDownstream('SIGCONT');
      await Promise.allSettled(processes().map(({ app }) => (profiled ? app.stop(60_000) : app.kill())));
      await admin.disconnect().catch(() => undefined);
      await pool.end().catch(() => undefined);
      await stack.stop();
      await deleteTopicsAndGroups(kafka, stack.topicPrefix);
    },
  };
}

/** Every process of the stack as a CPU sampling target. */
export function stackCpuTargets(bench: BenchStack): { label: string; pid: number }[] {
  return bench
    .processes()
    .flatMap(({ label, app }) => (app.child.pid === undefined ? [] : [{ label, pid: app.child.pid }]));
}

/** Deletes what a stack left in Kafka (a sweep creates topics of up to 12 partitions each time). */
async function deleteTopicsAndGroups(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => g.startsWith(prefix));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    const owned = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (owned.length > 0) await admin.deleteTopics({ topics: owned });
  } finally {
    await admin.disconnect();
  }
}

/** A tenant of its own for one scenario (its ledger is checked by tenant), with credits to spare. */
export async function createBenchTenant(bench: BenchStack, id: string): Promise<string> {
  const admin = async (path: string, body: unknown) => {
    const response = await fetch(`${bench.stack.baseUrl}/v1/admin${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bench.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 201)
      throw new Error(`POST /v1/admin${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  await admin('/tenants', { id, name: `bench ${id}` });
  const { key } = await admin(`/tenants/${id}/keys`, {});
  if (typeof key !== 'string') throw new Error('issuing a bench tenant key returned no key');
  await admin(`/tenants/${id}/credits`, { amount: '100000000' });
  return key;
}
