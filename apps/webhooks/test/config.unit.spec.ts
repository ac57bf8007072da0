import test from 'ava';
import { ConfigError } from '@herald/config';
import { DEFAULT_RETRY_SCHEDULE, DEVELOPMENT_CALLBACK_SIGNING_SECRET } from '@herald/webhooks';
import { loadWebhooksConfig, parseDuration } from '../src/config.js';

test('durations read as ms, s, m, h, d or bare milliseconds', (t) => {
  t.deepEqual(
    ['0', '300ms', '5s', '5m', '2h', '1d', '250'].map(parseDuration),
    [0, 300, 5000, 300_000, 7_200_000, 86_400_000, 250],
  );
  t.is(parseDuration('5 minutes'), null);
  t.is(parseDuration('-1s'), null);
});

test('the defaults: port 9104, 200 in flight, 15 s timeout, the issue schedule, 5 days to disable', (t) => {
  const config = loadWebhooksConfig({});
  t.is(config.HERALD_WEBHOOKS_OPS_PORT, 9104);
  t.is(config.HERALD_WEBHOOK_CONCURRENCY, 200);
  t.is(config.HERALD_WEBHOOK_TIMEOUT_MS, 15_000);
  t.deepEqual(config.retrySchedule, DEFAULT_RETRY_SCHEDULE);
  t.is(config.HERALD_WEBHOOK_DISABLE_AFTER_MS, 5 * 86_400_000);
  t.true(config.callbackSecretIsDevelopment);
  t.is(config.callbackSigningSecret, DEVELOPMENT_CALLBACK_SIGNING_SECRET);
  t.is(config.allowList.cidrs.length, 2, 'development allows loopback');
});

test('a configured schedule is a comma list of durations; a bad entry is named', (t) => {
  t.deepEqual(
    loadWebhooksConfig({ HERALD_WEBHOOK_RETRY_SCHEDULE: '0, 300ms,1s' }).retrySchedule,
    [0, 300, 1000],
  );
  const error = t.throws(() => loadWebhooksConfig({ HERALD_WEBHOOK_RETRY_SCHEDULE: '0,soon' }), {
    instanceOf: ConfigError,
  });
  t.regex(error.message, /HERALD_WEBHOOK_RETRY_SCHEDULE: "soon" is not a duration/);
});

test('production needs the callback signing secret and allows no private host by default', (t) => {
  const error = t.throws(() => loadWebhooksConfig({ NODE_ENV: 'production' }), { instanceOf: ConfigError });
  t.regex(error.message, /HERALD_CALLBACK_SIGNING_SECRET: required/);
  const config = loadWebhooksConfig({
    NODE_ENV: 'production',
    HERALD_CALLBACK_SIGNING_SECRET: 'x'.repeat(32),
  });
  t.false(config.callbackSecretIsDevelopment);
  t.is(config.allowList.cidrs.length + config.allowList.hosts.size, 0);
});

test('an allowlist, even empty, replaces the default; a bad entry is named', (t) => {
  t.is(loadWebhooksConfig({ HERALD_WEBHOOK_ALLOWED_HOSTS: '' }).allowList.cidrs.length, 0);
  const config = loadWebhooksConfig({ HERALD_WEBHOOK_ALLOWED_HOSTS: '10.0.0.0/8, hooks.internal' });
  t.is(config.allowList.cidrs.length, 1);
  t.true(config.allowList.hosts.has('hooks.internal'));
  t.throws(() => loadWebhooksConfig({ HERALD_WEBHOOK_ALLOWED_HOSTS: 'not a host!' }), {
    message: /HERALD_WEBHOOK_ALLOWED_HOSTS: .*not a host!/,
  });
});

test('a claim lease shorter than two timeouts is refused', (t) => {
  t.throws(
    () => loadWebhooksConfig({ HERALD_WEBHOOK_TIMEOUT_MS: '15000', HERALD_WEBHOOK_LEASE_MS: '20000' }),
    {
      message: /HERALD_WEBHOOK_LEASE_MS: must be at least twice/,
    },
  );
});
