// Usage: node --conditions=herald-source --import tsx infra/src/cli.ts up|down|status
import { InfraError, messageOf } from './errors.js';
import type { ServiceStatus } from './index.js';
import { ensureInfrastructure, infrastructureStatus, stopInfrastructure } from './index.js';

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'up': {
      const endpoints = await ensureInfrastructure();
      console.log(`KAFKA_BROKERS=${endpoints.kafkaBrokers.join(',')}`);
      console.log(`SCHEMA_REGISTRY_URL=${endpoints.schemaRegistryUrl}`);
      console.log(`DATABASE_URL=${endpoints.databaseUrl}`);
      return 0;
    }
    case 'down':
      await stopInfrastructure();
      return 0;
    case 'status':
      for (const line of formatStatus(await infrastructureStatus())) console.log(line);
      return 0;
    default:
      console.error('usage: infra up | down | status');
      return 2;
  }
}

function formatStatus(services: ServiceStatus[]): string[] {
  return services.map((service) => {
    const pid = service.pid === undefined ? '' : `pid ${service.pid}`;
    const note = service.note === undefined ? '' : `  (${service.note})`;
    return [
      service.name.padEnd(9),
      service.state.padEnd(9),
      pid.padEnd(10),
      service.address.padEnd(42),
      `ready ${service.ready ? 'yes' : 'no'}${note}`,
    ].join(' ');
  });
}

try {
  process.exitCode = await main(process.argv[2]);
} catch (error) {
  const prefix = error instanceof InfraError ? `[infra] ${error.code}: ` : '[infra] unexpected failure: ';
  console.error(`${prefix}${messageOf(error)}`);
  process.exitCode = 1;
}
