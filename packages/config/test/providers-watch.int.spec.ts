import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchProviders } from '../src/index.js';
import type { ProviderConfig } from '../src/index.js';

const provider = (id: string, weight: number) => ({
  id,
  kind: 'twilio',
  channel: 'sms',
  weight,
  options: { baseUrl: 'http://127.0.0.1:1', accountSid: 'AC1', authToken: 'token', from: '+15550000001' },
});

function until<T>(what: string, probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      const value = probe();
      if (value !== undefined) return resolve(value);
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

test('a changed providers file is picked up without a restart; an invalid one is refused and the last good one kept', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'herald-watch-')), 'providers.json');
  writeFileSync(file, JSON.stringify({ providers: [provider('a', 1)] }));
  const reloads: (readonly ProviderConfig[])[] = [];
  const errors: unknown[] = [];
  const source = watchProviders(
    file,
    { onReload: (p) => reloads.push(p), onError: (e) => errors.push(e) },
    20,
  );
  t.teardown(() => source.stop());
  t.deepEqual(
    source.current().map((p) => p.id),
    ['a'],
  );

  // The watcher compares modification times: writes a few ms apart are told apart.
  writeFileSync(file, JSON.stringify({ providers: [provider('a', 1), provider('b', 3)] }));
  await until('the reload', () => (reloads.length > 0 ? true : undefined));
  t.deepEqual(
    source.current().map((p) => [p.id, p.weight]),
    [
      ['a', 1],
      ['b', 3],
    ],
  );

  await new Promise((resolve) => setTimeout(resolve, 30));
  writeFileSync(file, JSON.stringify({ providers: [{ ...provider('c', 1), weight: -1 }] }));
  await until('the invalid file to be reported', () => (errors.length > 0 ? true : undefined));
  t.regex(String(errors[0]), /weight/);
  t.deepEqual(
    source.current().map((p) => p.id),
    ['a', 'b'],
    'the previous configuration stays in force',
  );

  process.emit('SIGHUP', 'SIGHUP');
  t.is(errors.length, 2, 'SIGHUP reloads too (and the file is still invalid)');
});
