import test from 'ava';
import { createHmac } from 'node:crypto';
import { callbackSecretFor, parseSecret, sign, verify } from '../src/index.js';

test('the callback secret is whsec_ + base64 HMAC-SHA256(master, "herald-callback:" + tenant)', (t) => {
  const expected = createHmac('sha256', 'master-secret-of-at-least-32-chars!')
    .update('herald-callback:tenant-a')
    .digest('base64');
  t.is(callbackSecretFor('master-secret-of-at-least-32-chars!', 'tenant-a'), `whsec_${expected}`);
});

test('each tenant has its own secret, and it signs like any endpoint secret', (t) => {
  const a = callbackSecretFor('master', 'tenant-a');
  t.not(a, callbackSecretFor('master', 'tenant-b'));
  t.not(a, callbackSecretFor('other-master', 'tenant-a'));
  t.is(parseSecret(a).length, 32);
  const content = { id: 'msg_1', timestamp: 1_700_000_000, body: '{}' };
  const signature = sign({ ...content, secrets: [a] });
  t.true(verify({ ...content, signature, secrets: [a], now: 1_700_000_000_000 }));
});
