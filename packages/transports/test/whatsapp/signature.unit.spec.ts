import { createHmac } from 'node:crypto';
import test from 'ava';
import { verifyWhatsAppSignature, whatsappSignature } from '../../src/index.js';

const SECRET = 'dev-whatsapp-app-secret';
const BODY = '{"object":"whatsapp_business_account","entry":[]}';

test('matches the published X-Hub-Signature-256 vector (GitHub webhook docs, same scheme)', (t) => {
  t.is(
    whatsappSignature("It's a Secret to Everybody", 'Hello, World!'),
    'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
  );
});

test('is sha256= and the hex HMAC-SHA256 of the raw bytes', (t) => {
  const independent = `sha256=${createHmac('sha256', SECRET).update(Buffer.from(BODY)).digest('hex')}`;
  t.is(whatsappSignature(SECRET, BODY), independent);
  t.is(whatsappSignature(SECRET, Buffer.from(BODY)), independent);
});

test('verifies the right signature, also in upper-case hex', (t) => {
  const signature = whatsappSignature(SECRET, BODY);
  t.true(verifyWhatsAppSignature(SECRET, Buffer.from(BODY), signature));
  t.true(verifyWhatsAppSignature(SECRET, BODY, `sha256=${signature.slice(7).toUpperCase()}`));
});

test('rejects a re-serialized body, another secret and forged headers without throwing', (t) => {
  const signature = whatsappSignature(SECRET, BODY);
  const reformatted = JSON.stringify(JSON.parse(BODY), null, 1);
  t.false(verifyWhatsAppSignature(SECRET, reformatted, signature));
  t.false(verifyWhatsAppSignature('another-secret', BODY, signature));
  for (const header of [
    undefined,
    null,
    '',
    signature.slice(7),
    `sha1=${signature.slice(7)}`,
    signature.slice(0, -1),
    `${signature}0`,
    'é'.repeat(71),
  ]) {
    t.false(verifyWhatsAppSignature(SECRET, BODY, header), String(header));
  }
});
