import { readConfig, redactUrl } from './config.js';
import { probeKafka } from './kafka/probe.js';
import { kafkaService } from './kafka/service.js';
import type { InfraOptions } from './options.js';
import { isPostgresReachable } from './postgres.js';
import { probeRegistry } from './registry/probe.js';
import { registryService } from './registry/service.js';
import { localServiceStatus } from './service.js';

/** One service as `status` reports it. */
export interface ServiceStatus {
  readonly name: 'kafka' | 'registry' | 'postgres';
  /** external: not managed by Herald (Postgres always; Kafka and the registry when their variable is set). */
  readonly state: 'running' | 'stopped' | 'external';
  readonly pid: number | undefined;
  readonly address: string;
  readonly ready: boolean;
  readonly note: string | undefined;
}

/** The state of each service, without changing anything. */
export async function infrastructureStatus(
  options: Pick<InfraOptions, 'env'> = {},
): Promise<ServiceStatus[]> {
  const config = readConfig(options.env);
  const kafka = kafkaService();
  const registry = registryService(config.databaseUrl);
  return Promise.all([
    config.kafka.mode === 'external'
      ? externalStatus('kafka', config.kafka.brokers.join(','), probeKafka(config.kafka.brokers))
      : localStatus('kafka', kafka.address, localServiceStatus(kafka)),
    config.registry.mode === 'external'
      ? externalStatus('registry', config.registry.url, probeRegistry(config.registry.url))
      : localStatus('registry', config.registry.url, localServiceStatus(registry)),
    externalStatus('postgres', redactUrl(config.databaseUrl), isPostgresReachable(config.databaseUrl)),
  ]);
}

async function externalStatus(
  name: ServiceStatus['name'],
  address: string,
  ready: Promise<boolean>,
): Promise<ServiceStatus> {
  return { name, state: 'external', pid: undefined, address, ready: await ready, note: undefined };
}

async function localStatus(
  name: ServiceStatus['name'],
  address: string,
  status: ReturnType<typeof localServiceStatus>,
): Promise<ServiceStatus> {
  const { running, pid, ready, note } = await status;
  return { name, state: running ? 'running' : 'stopped', pid, address, ready, note };
}
