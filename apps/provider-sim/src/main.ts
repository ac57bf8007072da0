import { createSimulatorApp } from './app.js';
import { ConfigError, readSimulatorConfig } from './config.js';
import type { SimulatorConfig } from './config.js';
import { jsonLogger } from './logger.js';
import type { SimLogger } from './logger.js';
import { listen } from './server.js';

const logger = jsonLogger();

/** Exits with a one-line explanation instead of a stack trace when the environment is wrong. */
function loadConfig(log: SimLogger): SimulatorConfig | null {
  try {
    return readSimulatorConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    log.error({ error: error.message }, `invalid configuration: ${error.message}`);
    return null;
  }
}

async function run(config: SimulatorConfig): Promise<void> {
  const simulator = createSimulatorApp({ ...config.simulator, logger });
  const server = await listen(simulator.app, config.host, config.port);
  const smppServer = config.smppPort === 0 ? null : await simulator.smpp.listen(config.host, config.smppPort);
  simulator.serving(() => [
    { name: 'http', ok: server.listening() },
    ...(smppServer === null ? [] : [{ name: 'smpp', ok: simulator.smpp.listening }]),
  ]);
  const {
    seed,
    latencyMs,
    callbackDelayMs,
    temporaryFailureRate,
    permanentFailureRate,
    undeliveredRate,
    failedRate,
  } = simulator.options;
  logger.info(
    {
      url: server.url,
      smppPort: smppServer?.port ?? null,
      seed,
      latencyMs,
      callbackDelayMs,
      temporaryFailureRate,
      permanentFailureRate,
      undeliveredRate,
      failedRate,
    },
    'provider simulator listening',
  );
  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    simulator.drain();
    logger.info(
      { signal, graceMs: config.shutdownGraceMs },
      'stopping: refusing new connections, flushing pending callbacks',
    );
    await server.close();
    const report = await simulator.close(config.shutdownGraceMs);
    logger.info(
      { ...report },
      report.flushed ? 'stopped after flushing callbacks' : 'stopped; unfinished callbacks cancelled',
    );
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, (s) => void stop(s));
}

const config = loadConfig(logger);
if (config === null) process.exitCode = 2;
else await run(config);
