import { SimulatorOptionError, resolveSimulatorOptions } from './options.js';
import type { SimulatorOptionsInput } from './options.js';

/** The environment variable behind each option, so errors name what the operator actually set. */
const ENV_FOR_OPTION: Record<string, string> = {
  'twilio.accountSid': 'HERALD_TWILIO_ACCOUNT_SID',
  'twilio.authToken': 'HERALD_TWILIO_AUTH_TOKEN',
  latencyMs: 'SIM_LATENCY_MS',
  callbackDelayMs: 'SIM_CALLBACK_DELAY_MS',
  temporaryFailureRate: 'SIM_TEMPORARY_FAILURE_RATE',
  permanentFailureRate: 'SIM_PERMANENT_FAILURE_RATE',
  undeliveredRate: 'SIM_UNDELIVERED_RATE',
  failedRate: 'SIM_FAILED_RATE',
  seed: 'SIM_SEED',
  callbackMaxAttempts: 'SIM_CALLBACK_MAX_ATTEMPTS',
};

/** Start-up configuration of the simulator process. */
export interface SimulatorConfig {
  host: string;
  port: number;
  shutdownGraceMs: number;
  simulator: SimulatorOptionsInput;
}

/** A configuration problem, with a message naming the variable to fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and validates the environment once; throws ConfigError naming the bad variable. */
export function readSimulatorConfig(env: Env): SimulatorConfig {
  const simulator: SimulatorOptionsInput = {
    twilio: { accountSid: env.HERALD_TWILIO_ACCOUNT_SID, authToken: env.HERALD_TWILIO_AUTH_TOKEN },
    latencyMs: optionalNumber(env, 'SIM_LATENCY_MS'),
    callbackDelayMs: optionalNumber(env, 'SIM_CALLBACK_DELAY_MS'),
    temporaryFailureRate: optionalNumber(env, 'SIM_TEMPORARY_FAILURE_RATE'),
    permanentFailureRate: optionalNumber(env, 'SIM_PERMANENT_FAILURE_RATE'),
    undeliveredRate: optionalNumber(env, 'SIM_UNDELIVERED_RATE'),
    failedRate: optionalNumber(env, 'SIM_FAILED_RATE'),
    seed: optionalNumber(env, 'SIM_SEED'),
    callbackMaxAttempts: optionalNumber(env, 'SIM_CALLBACK_MAX_ATTEMPTS'),
  };
  try {
    // Validate now, at start-up, so a bad rate is reported before anything listens.
    resolveSimulatorOptions(simulator);
  } catch (error) {
    if (!(error instanceof SimulatorOptionError)) throw error;
    throw new ConfigError(`${ENV_FOR_OPTION[error.option] ?? error.option} ${error.rule}`);
  }
  return {
    host: env.SIM_HOST === undefined || env.SIM_HOST === '' ? '127.0.0.1' : env.SIM_HOST,
    port: integerInRange(env, 'SIM_HTTP_PORT', 8090, 0, 65_535),
    shutdownGraceMs: integerInRange(env, 'SIM_SHUTDOWN_GRACE_MS', 5_000, 0, 600_000),
    simulator,
  };
}

function optionalNumber(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new ConfigError(`${name} must be a number, got "${raw}"`);
  return value;
}

function integerInRange(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = optionalNumber(env, name) ?? fallback;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${env[name] ?? ''}"`);
  }
  return value;
}
