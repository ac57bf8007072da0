import { randomInt } from 'node:crypto';
import { silentLogger } from './logger.js';
import type { SimLogger } from './logger.js';
import { DEFAULT_SMPP_ACCOUNT } from './smpp/account.js';
import type { SmppAccount } from './smpp/account.js';

/** Credentials the simulated Twilio account accepts and signs callbacks with. */
export interface TwilioAccount {
  accountSid: string;
  authToken: string;
}

/** Everything that shapes the simulator's behaviour, validated and with defaults applied. */
export interface SimulatorOptions {
  twilio: TwilioAccount;
  /** Credentials the simulated SMSC accepts on bind. */
  smpp: SmppAccount;
  /** Mean answer latency of the send endpoint; each answer takes 0.5x to 1.5x of it. */
  latencyMs: number;
  /** Delay before each status step (sent, then delivered). */
  callbackDelayMs: number;
  /** Share of valid sends answered 503 or 429. */
  temporaryFailureRate: number;
  /** Share of valid sends answered 400 with Twilio code 21211. */
  permanentFailureRate: number;
  /** Share of accepted sends that end undelivered (ErrorCode 30003). */
  undeliveredRate: number;
  /** Share of accepted sends that end failed (ErrorCode 30008) without ever being sent. */
  failedRate: number;
  /** Share of accepted messages whose every status callback is POSTed twice (providers do retry). */
  duplicateCallbackRate: number;
  /** Share of accepted messages whose callbacks arrive last-first (`delivered` before `sent`). */
  outOfOrderRate: number;
  seed: number;
  callbackMaxAttempts: number;
  callbackRetryBaseMs: number;
  callbackTimeoutMs: number;
  /** Oldest messages are forgotten beyond this, so a long benchmark cannot exhaust memory. */
  maxStoredMessages: number;
  logger: SimLogger;
  clock: () => Date;
}

/** Any option may be omitted; see DEFAULTS. */
export type SimulatorOptionsInput = Partial<Omit<SimulatorOptions, 'twilio' | 'smpp'>> & {
  twilio?: Partial<TwilioAccount>;
  smpp?: Partial<SmppAccount>;
};

/** Names the option that failed validation so callers (env parsing) can translate the name. */
export class SimulatorOptionError extends Error {
  readonly option: string;
  readonly rule: string;

  constructor(option: string, rule: string) {
    super(`provider-sim: option '${option}' ${rule}`);
    this.name = 'SimulatorOptionError';
    this.option = option;
    this.rule = rule;
  }
}

/** Development defaults; the credentials are shared with Herald's development config. */
export const DEFAULT_TWILIO_ACCOUNT: TwilioAccount = {
  accountSid: 'ACherald0000000000000000000000000',
  authToken: 'dev-twilio-auth-token',
};

const DEFAULTS = {
  latencyMs: 20,
  callbackDelayMs: 50,
  temporaryFailureRate: 0,
  permanentFailureRate: 0,
  undeliveredRate: 0,
  failedRate: 0,
  duplicateCallbackRate: 0,
  outOfOrderRate: 0,
  callbackMaxAttempts: 4,
  callbackRetryBaseMs: 200,
  callbackTimeoutMs: 5_000,
  maxStoredMessages: 100_000,
} as const;

/** Applies defaults and validates once, at start-up. A missing seed is drawn at random (and logged by main). */
export function resolveSimulatorOptions(input: SimulatorOptionsInput = {}): SimulatorOptions {
  const temporaryFailureRate = rate(
    input.temporaryFailureRate ?? DEFAULTS.temporaryFailureRate,
    'temporaryFailureRate',
  );
  const undeliveredRate = rate(input.undeliveredRate ?? DEFAULTS.undeliveredRate, 'undeliveredRate');
  return {
    twilio: {
      accountSid: text(input.twilio?.accountSid ?? DEFAULT_TWILIO_ACCOUNT.accountSid, 'twilio.accountSid'),
      authToken: text(input.twilio?.authToken ?? DEFAULT_TWILIO_ACCOUNT.authToken, 'twilio.authToken'),
    },
    smpp: {
      systemId: text(input.smpp?.systemId ?? DEFAULT_SMPP_ACCOUNT.systemId, 'smpp.systemId'),
      password: text(input.smpp?.password ?? DEFAULT_SMPP_ACCOUNT.password, 'smpp.password'),
    },
    latencyMs: integer(input.latencyMs ?? DEFAULTS.latencyMs, 'latencyMs', 0),
    callbackDelayMs: integer(input.callbackDelayMs ?? DEFAULTS.callbackDelayMs, 'callbackDelayMs', 0),
    temporaryFailureRate,
    permanentFailureRate: rate(
      input.permanentFailureRate ?? DEFAULTS.permanentFailureRate,
      'permanentFailureRate',
      1 - temporaryFailureRate,
    ),
    undeliveredRate,
    failedRate: rate(input.failedRate ?? DEFAULTS.failedRate, 'failedRate', 1 - undeliveredRate),
    duplicateCallbackRate: rate(
      input.duplicateCallbackRate ?? DEFAULTS.duplicateCallbackRate,
      'duplicateCallbackRate',
    ),
    outOfOrderRate: rate(input.outOfOrderRate ?? DEFAULTS.outOfOrderRate, 'outOfOrderRate'),
    seed: integer(input.seed ?? randomInt(2 ** 32), 'seed', 0, 2 ** 32 - 1),
    callbackMaxAttempts: integer(
      input.callbackMaxAttempts ?? DEFAULTS.callbackMaxAttempts,
      'callbackMaxAttempts',
      1,
    ),
    callbackRetryBaseMs: integer(
      input.callbackRetryBaseMs ?? DEFAULTS.callbackRetryBaseMs,
      'callbackRetryBaseMs',
      0,
    ),
    callbackTimeoutMs: integer(input.callbackTimeoutMs ?? DEFAULTS.callbackTimeoutMs, 'callbackTimeoutMs', 1),
    maxStoredMessages: integer(input.maxStoredMessages ?? DEFAULTS.maxStoredMessages, 'maxStoredMessages', 1),
    logger: input.logger ?? silentLogger,
    clock: input.clock ?? (() => new Date()),
  };
}

function text(value: string, option: string): string {
  if (value.trim() === '') throw new SimulatorOptionError(option, 'must not be empty');
  return value;
}

function integer(value: number, option: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new SimulatorOptionError(option, `must be an integer between ${min} and ${max}, got ${value}`);
  }
  return value;
}

/** A probability; `max` is lower when another rate shares the same draw. */
function rate(value: number, option: string, max = 1): number {
  if (!Number.isFinite(value) || value < 0 || value > max) {
    const bound = max === 1 ? '1' : `${max} (1 minus the rate it shares a draw with)`;
    throw new SimulatorOptionError(option, `must be a number between 0 and ${bound}, got ${value}`);
  }
  return value;
}
