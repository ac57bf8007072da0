import type { InfraConfig } from './config.js';
import { LOCAL, readConfig, redactUrl } from './config.js';
import { InfraError } from './errors.js';
import { probeKafka } from './kafka/probe.js';
import { kafkaService } from './kafka/service.js';
import { withInfraLock } from './lock.js';
import type { InfraEndpoints, InfraOptions } from './options.js';
import { defaultLog } from './options.js';
import { connectMaintenance, databaseName, ensureDatabases } from './postgres.js';
import { ensureGlobalCompatibility, globalCompatibility } from './registry/compatibility.js';
import { probeRegistry } from './registry/probe.js';
import { registryService } from './registry/service.js';
import type { EnsureOutcome } from './service.js';
import { ensureLocalService } from './service.js';
import { seconds, timed } from './timing.js';
import { waitUntil } from './wait.js';

const EXTERNAL_TIMEOUT_MS = 15_000;

/** Brings Kafka, the schema registry and the databases up, or confirms they are; safe to call any number of times. */
export async function ensureInfrastructure(options: InfraOptions = {}): Promise<InfraEndpoints> {
  const log = options.log ?? defaultLog;
  const config = readConfig(options.env);
  const [, elapsed] = await timed(async () => {
    const client = await connectMaintenance(config.databaseUrl);
    try {
      await withInfraLock(client, async () => {
        const wanted = [databaseName(config.databaseUrl)];
        if (config.registry.mode === 'local') wanted.push(LOCAL.registryDatabase);
        const created = await ensureDatabases(client, wanted);
        const note = created.length === 0 ? '' : ` (created ${created.join(', ')})`;
        log(`postgres: ${redactUrl(config.databaseUrl)} reachable, databases ${wanted.join(', ')}${note}`);
        await settleAll([ensureKafka(config, log), ensureRegistry(config, log)]);
      });
    } finally {
      await client.end().catch(() => undefined);
    }
  });
  log(`ready in ${seconds(elapsed)}`);
  return {
    kafkaBrokers: config.kafka.brokers,
    schemaRegistryUrl: config.registry.url,
    databaseUrl: config.databaseUrl,
  };
}

async function ensureKafka(config: InfraConfig, log: (line: string) => void): Promise<void> {
  const { brokers } = config.kafka;
  if (config.kafka.mode === 'external') {
    await waitForExternal('kafka', `KAFKA_BROKERS=${brokers.join(',')}`, () => probeKafka(brokers));
    log(`kafka: using ${brokers.join(',')} (KAFKA_BROKERS is set, not starting a local broker)`);
    return;
  }
  const service = kafkaService();
  log(describe(service.name, service.address, await ensureLocalService(service, log)));
}

async function ensureRegistry(config: InfraConfig, log: (line: string) => void): Promise<void> {
  const { url } = config.registry;
  if (config.registry.mode === 'external') {
    await waitForExternal('registry', `SCHEMA_REGISTRY_URL=${url}`, () => probeRegistry(url));
    log(`registry: using ${url} (SCHEMA_REGISTRY_URL is set, not starting a local registry)`);
    const level = await globalCompatibility(url);
    if (level !== 'BACKWARD')
      log(`registry: warning: global compatibility is ${level ?? 'unset'}, Herald expects BACKWARD`);
    return;
  }
  const service = registryService(config.databaseUrl);
  log(describe(service.name, service.address, await ensureLocalService(service, log)));
  if ((await ensureGlobalCompatibility(url, 'BACKWARD')) === 'set')
    log('registry: global compatibility set to BACKWARD');
}

async function waitForExternal(name: string, setting: string, probe: () => Promise<boolean>): Promise<void> {
  if (await waitUntil(probe, { timeoutMs: EXTERNAL_TIMEOUT_MS, intervalMs: 500 })) return;
  throw new InfraError(
    'EXTERNAL_UNREACHABLE',
    `${name}: ${setting} did not answer within ${EXTERNAL_TIMEOUT_MS / 1000} s. ` +
      `Herald does not start its own ${name} while that variable is set; unset it to use the local one.`,
  );
}

function describe(name: string, address: string, outcome: EnsureOutcome): string {
  if (outcome.kind === 'already-running')
    return `${name}: already running (pid ${outcome.pid}) on ${address}`;
  const fetch = `${seconds(outcome.fetchMs)}${outcome.fetched ? ' (downloaded)' : ' (cached)'}`;
  return (
    `${name}: started (pid ${outcome.pid}) on ${address}; ` +
    `fetch ${fetch}, start ${seconds(outcome.startMs)}, ready ${seconds(outcome.readyMs)}`
  );
}

/** Waits for every task; throws one error naming every piece that failed. */
async function settleAll(tasks: Promise<void>[]): Promise<void> {
  const failures = (await Promise.allSettled(tasks)).flatMap((result) =>
    result.status === 'rejected' ? [result.reason as unknown] : [],
  );
  const [first] = failures;
  if (first === undefined) return;
  if (failures.length === 1) throw first;
  const code = first instanceof InfraError ? first.code : 'START_FAILED';
  throw new InfraError(
    code,
    failures.map((failure) => (failure instanceof Error ? failure.message : String(failure))).join('\n\n'),
  );
}
