import { KAFKA } from './kafka/service.js';
import type { InfraOptions } from './options.js';
import { defaultLog } from './options.js';
import { REGISTRY } from './registry/service.js';
import type { StopOutcome } from './service.js';
import { stopLocalService } from './service.js';
import { seconds, timed } from './timing.js';

/** Stops the Kafka and registry JVMs Herald started (whatever the environment variables say). */
export async function stopInfrastructure(
  options: Pick<InfraOptions, 'log'> = {},
): Promise<Record<'kafka' | 'registry', StopOutcome>> {
  const log = options.log ?? defaultLog;
  const stop = async (service: typeof KAFKA | typeof REGISTRY): Promise<StopOutcome> => {
    const [outcome, elapsed] = await timed(() => stopLocalService(service));
    const took = outcome === 'stopped' || outcome === 'killed' ? ` in ${seconds(elapsed)}` : '';
    log(`${service.name}: ${outcome.replaceAll('-', ' ')}${took}`);
    return outcome;
  };
  const [kafka, registry] = await Promise.all([stop(KAFKA), stop(REGISTRY)]);
  return { kafka, registry };
}
