import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

/** Where the test infrastructure is: the same variables and defaults as Herald itself. */
export interface TestServices {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  databaseUrl: string;
}

export function testServices(env = process.env): TestServices {
  return {
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()),
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/herald',
  };
}

const HOW_TO_START = 'start it with `npm run infra:up` (or run the suite with `npm test`, which starts it)';

async function check(name: string, address: string, probe: () => Promise<unknown>): Promise<void> {
  try {
    await probe();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${name} is not reachable at ${address} (${reason}): ${HOW_TO_START}`);
  }
}

let verified: Promise<TestServices> | undefined;

/**
 * Fails with a message naming the missing service and how to start it, instead of letting a test
 * hang or skip. Checked once per test process.
 */
export function requireServices(): Promise<TestServices> {
  verified ??= (async () => {
    const services = testServices();
    await check('Kafka', services.kafkaBrokers.join(','), async () => {
      const admin = new Kafka({
        brokers: services.kafkaBrokers,
        logLevel: logLevel.NOTHING,
        retry: { retries: 2 },
        connectionTimeout: 3000,
      }).admin();
      await admin.connect();
      try {
        await admin.listTopics();
      } finally {
        await admin.disconnect();
      }
    });
    await check('The schema registry', services.schemaRegistryUrl, async () => {
      const response = await fetch(`${services.schemaRegistryUrl}/config`, {
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    });
    await check('PostgreSQL', services.databaseUrl, async () => {
      const client = new pg.Client({ connectionString: services.databaseUrl, connectionTimeoutMillis: 5000 });
      await client.connect();
      await client.end();
    });
    return services;
  })();
  return verified;
}

/** A short random suffix for topic prefixes, group ids and database names. */
export function uniqueId(): string {
  return randomBytes(4).toString('hex');
}

/** A fresh empty database on the test server; `drop` removes it. */
export async function createTestDatabase(
  services: TestServices,
): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `herald_test_${uniqueId()}`;
  const admin = new URL(services.databaseUrl);
  admin.pathname = '/postgres';
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(services.databaseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
