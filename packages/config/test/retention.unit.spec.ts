import test from 'ava';
import { ConfigError, loadCommonConfig } from '../src/index.js';

const KEYS = ['HERALD_EVENTS_RETENTION_MS', 'HERALD_DISPATCH_RETENTION_MS'] as const;

test('both topic retentions default to forever (-1)', (t) => {
  const config = loadCommonConfig({});
  t.is(config.HERALD_EVENTS_RETENTION_MS, -1);
  t.is(config.HERALD_DISPATCH_RETENTION_MS, -1);
});

test('each retention is read on its own, as integer milliseconds', (t) => {
  const config = loadCommonConfig({
    HERALD_EVENTS_RETENTION_MS: '60000',
    HERALD_DISPATCH_RETENTION_MS: '604800000',
  });
  t.is(config.HERALD_EVENTS_RETENTION_MS, 60000);
  t.is(config.HERALD_DISPATCH_RETENTION_MS, 604800000);
});

for (const key of KEYS) {
  for (const value of ['0', '59999', '-2', '1.5', 'week', '']) {
    test(`${key}=${JSON.stringify(value)} stops start-up with a message naming ${key}`, (t) => {
      const error = t.throws(() => loadCommonConfig({ [key]: value }), { instanceOf: ConfigError });
      t.is(error?.issues.length, 1);
      t.true(error?.issues[0]?.startsWith(`${key}: `), error?.message);
    });
  }
}

test('a too-short retention says what is allowed', (t) => {
  const error = t.throws(() => loadCommonConfig({ HERALD_EVENTS_RETENTION_MS: '1000' }), {
    instanceOf: ConfigError,
  });
  t.is(error?.issues[0], 'HERALD_EVENTS_RETENTION_MS: expected -1 (forever) or at least 60000 ms');
});
