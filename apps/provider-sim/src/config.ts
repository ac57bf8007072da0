import { SimulatorOptionError, resolveSimulatorOptions } from './options.js';
import type { SimulatorInput } from './app.js';
import { resolveTelegramSimOptions } from './telegram/options.js';
import { resolveWhatsAppSimOptions } from './whatsapp/options.js';

/** The environment variable behind each option, so errors name what the operator actually set. */
const ENV_FOR_OPTION: Record<string, string> = {
  'twilio.accountSid': 'HERALD_TWILIO_ACCOUNT_SID',
  'twilio.authToken': 'HERALD_TWILIO_AUTH_TOKEN',
  'smpp.systemId': 'HERALD_SMPP_SYSTEM_ID',
  'smpp.password': 'HERALD_SMPP_PASSWORD',
  'whatsapp.accessToken': 'HERALD_WHATSAPP_ACCESS_TOKEN',
  'whatsapp.phoneNumberId': 'HERALD_WHATSAPP_PHONE_NUMBER_ID',
  'whatsapp.appSecret': 'HERALD_WHATSAPP_APP_SECRET',
  'whatsapp.webhookUrl': 'SIM_WHATSAPP_WEBHOOK_URL',
  'telegram.botToken': 'HERALD_TELEGRAM_BOT_TOKEN',
  latencyMs: 'SIM_LATENCY_MS',
  callbackDelayMs: 'SIM_CALLBACK_DELAY_MS',
  temporaryFailureRate: 'SIM_TEMPORARY_FAILURE_RATE',
  permanentFailureRate: 'SIM_PERMANENT_FAILURE_RATE',
  undeliveredRate: 'SIM_UNDELIVERED_RATE',
  failedRate: 'SIM_FAILED_RATE',
  duplicateCallbackRate: 'SIM_DUPLICATE_CALLBACK_RATE',
  outOfOrderRate: 'SIM_OUT_OF_ORDER_RATE',
  seed: 'SIM_SEED',
  callbackMaxAttempts: 'SIM_CALLBACK_MAX_ATTEMPTS',
};

/** Start-up configuration of the simulator process. */
export interface SimulatorConfig {
  host: string;
  port: number;
  /** The SMPP server's port; 0 disables it. */
  smppPort: number;
  shutdownGraceMs: number;
  simulator: SimulatorInput;
}

/** A configuration problem, with a message naming the variable to fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and validates the environment once; throws ConfigError naming the bad variable. */
export function readSimulatorConfig(env: Env): SimulatorConfig {
  const simulator: SimulatorInput = {
    twilio: { accountSid: env.HERALD_TWILIO_ACCOUNT_SID, authToken: env.HERALD_TWILIO_AUTH_TOKEN },
    whatsapp: {
      accessToken: env.HERALD_WHATSAPP_ACCESS_TOKEN,
      phoneNumberId: env.HERALD_WHATSAPP_PHONE_NUMBER_ID,
      appSecret: env.HERALD_WHATSAPP_APP_SECRET,
      webhookUrl: whatsappWebhookUrl(env),
    },
    telegram: { botToken: env.HERALD_TELEGRAM_BOT_TOKEN },
    smpp: { systemId: env.HERALD_SMPP_SYSTEM_ID, password: env.HERALD_SMPP_PASSWORD },
    latencyMs: optionalNumber(env, 'SIM_LATENCY_MS'),
    callbackDelayMs: optionalNumber(env, 'SIM_CALLBACK_DELAY_MS'),
    temporaryFailureRate: optionalNumber(env, 'SIM_TEMPORARY_FAILURE_RATE'),
    permanentFailureRate: optionalNumber(env, 'SIM_PERMANENT_FAILURE_RATE'),
    undeliveredRate: optionalNumber(env, 'SIM_UNDELIVERED_RATE'),
    failedRate: optionalNumber(env, 'SIM_FAILED_RATE'),
    duplicateCallbackRate: optionalNumber(env, 'SIM_DUPLICATE_CALLBACK_RATE'),
    outOfOrderRate: optionalNumber(env, 'SIM_OUT_OF_ORDER_RATE'),
    seed: optionalNumber(env, 'SIM_SEED'),
    callbackMaxAttempts: optionalNumber(env, 'SIM_CALLBACK_MAX_ATTEMPTS'),
  };
  try {
    // Validate now, at start-up, so a bad rate is reported before anything listens.
    resolveSimulatorOptions(simulator);
    resolveWhatsAppSimOptions(simulator.whatsapp);
    resolveTelegramSimOptions(simulator.telegram);
  } catch (error) {
    if (!(error instanceof SimulatorOptionError)) throw error;
    throw new ConfigError(`${ENV_FOR_OPTION[error.option] ?? error.option} ${error.rule}`);
  }
  return {
    host: env.SIM_HOST === undefined || env.SIM_HOST === '' ? '127.0.0.1' : env.SIM_HOST,
    port: integerInRange(env, 'SIM_HTTP_PORT', 8090, 0, 65_535),
    smppPort: integerInRange(env, 'SIM_SMPP_PORT', 2775, 0, 65_535),
    shutdownGraceMs: integerInRange(env, 'SIM_SHUTDOWN_GRACE_MS', 5_000, 0, 600_000),
    simulator,
  };
}

/**
 * Meta calls the one webhook URL configured for the app; by default that is Herald's public URL, so
 * a simulator started beside an ingress (npm start, test stacks) reaches it without more settings.
 */
function whatsappWebhookUrl(env: Env): string | undefined {
  if (env.SIM_WHATSAPP_WEBHOOK_URL !== undefined && env.SIM_WHATSAPP_WEBHOOK_URL !== '') {
    return env.SIM_WHATSAPP_WEBHOOK_URL;
  }
  const publicUrl = env.HERALD_PUBLIC_URL;
  if (publicUrl === undefined || publicUrl === '') return undefined;
  return `${publicUrl.replace(/\/+$/, '')}/providers/whatsapp/webhook`;
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
