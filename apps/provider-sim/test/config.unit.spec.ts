import test from 'ava';
import { readSimulatorConfig } from '../src/config.js';
import { resolveSimulatorOptions } from '../src/options.js';

test('an empty environment gives the documented defaults', (t) => {
  const config = readSimulatorConfig({});
  t.like(config, { host: '127.0.0.1', port: 8090, shutdownGraceMs: 5_000 });
  t.like(resolveSimulatorOptions(config.simulator), {
    twilio: { accountSid: 'ACherald0000000000000000000000000', authToken: 'dev-twilio-auth-token' },
    latencyMs: 20,
    callbackDelayMs: 50,
    temporaryFailureRate: 0,
    permanentFailureRate: 0,
    undeliveredRate: 0,
    failedRate: 0,
  });
});

test('every variable is read', (t) => {
  const config = readSimulatorConfig({
    SIM_HTTP_PORT: '9000',
    SIM_HOST: '0.0.0.0',
    HERALD_TWILIO_ACCOUNT_SID: 'ACx',
    HERALD_TWILIO_AUTH_TOKEN: 'tok',
    SIM_LATENCY_MS: '5',
    SIM_CALLBACK_DELAY_MS: '7',
    SIM_TEMPORARY_FAILURE_RATE: '0.1',
    SIM_PERMANENT_FAILURE_RATE: '0.2',
    SIM_UNDELIVERED_RATE: '0.3',
    SIM_FAILED_RATE: '0.05',
    SIM_SEED: '99',
    SIM_CALLBACK_MAX_ATTEMPTS: '2',
    SIM_SHUTDOWN_GRACE_MS: '100',
  });
  t.like(config, { host: '0.0.0.0', port: 9000, shutdownGraceMs: 100 });
  t.like(resolveSimulatorOptions(config.simulator), {
    twilio: { accountSid: 'ACx', authToken: 'tok' },
    latencyMs: 5,
    callbackDelayMs: 7,
    temporaryFailureRate: 0.1,
    permanentFailureRate: 0.2,
    undeliveredRate: 0.3,
    failedRate: 0.05,
    seed: 99,
    callbackMaxAttempts: 2,
  });
});

const BAD: ReadonlyArray<[Record<string, string>, RegExp]> = [
  [{ SIM_HTTP_PORT: '70000' }, /^SIM_HTTP_PORT must be an integer between 0 and 65535/],
  [{ SIM_LATENCY_MS: 'fast' }, /^SIM_LATENCY_MS must be a number, got "fast"/],
  [{ SIM_LATENCY_MS: '-1' }, /^SIM_LATENCY_MS must be an integer/],
  [{ SIM_CALLBACK_DELAY_MS: '2.5' }, /^SIM_CALLBACK_DELAY_MS must be an integer/],
  [{ SIM_TEMPORARY_FAILURE_RATE: '1.5' }, /^SIM_TEMPORARY_FAILURE_RATE must be a number between 0 and 1/],
  [
    { SIM_TEMPORARY_FAILURE_RATE: '0.7', SIM_PERMANENT_FAILURE_RATE: '0.4' },
    /^SIM_PERMANENT_FAILURE_RATE must be/,
  ],
  [{ SIM_UNDELIVERED_RATE: '0.9', SIM_FAILED_RATE: '0.2' }, /^SIM_FAILED_RATE must be/],
  [{ SIM_SEED: '-3' }, /^SIM_SEED must be an integer/],
  [{ HERALD_TWILIO_AUTH_TOKEN: ' ' }, /^HERALD_TWILIO_AUTH_TOKEN must not be empty/],
  [{ SIM_CALLBACK_MAX_ATTEMPTS: '0' }, /^SIM_CALLBACK_MAX_ATTEMPTS must be an integer between 1/],
];

for (const [env, message] of BAD) {
  test(`rejects ${JSON.stringify(env)} naming the variable`, (t) => {
    t.throws(() => readSimulatorConfig(env), { name: 'ConfigError', message });
  });
}

test('a missing seed is drawn at start, so it can be logged and replayed', (t) => {
  const seed = resolveSimulatorOptions({}).seed;
  t.true(Number.isSafeInteger(seed) && seed >= 0 && seed < 2 ** 32);
});
