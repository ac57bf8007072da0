import test from 'ava';
import { twilioSignature, verifyTwilioSignature } from '../../src/index.js';

// The worked example from Twilio's webhook security documentation.
const DOC_TOKEN = '12345';
const DOC_URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const DOC_PARAMS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+12349013030',
  Digits: '1234',
  From: '+12349013030',
  To: '+18005551212',
};
const DOC_SIGNATURE = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';

test("computes the signature of Twilio's documented example", (t) => {
  t.is(twilioSignature(DOC_TOKEN, DOC_URL, DOC_PARAMS), DOC_SIGNATURE);
});

test("computes the SMS vector from Twilio's own SDK tests (twilio-ruby request_validator_spec)", (t) => {
  const params = {
    ToState: 'CA',
    FromState: 'CA',
    AccountSid: 'ACba8bc05eacf94afdae398e642c9cc32d',
    SmsMessageSid: 'SM2003cbd5e6a3701999aa3e5f20ff2787',
    Body: 'Orly',
    From: '+14159354345',
    FromCity: 'SAN FRANCISCO',
    SmsStatus: 'received',
    FromZip: '94107',
    FromCountry: 'US',
    To: '+14158141819',
    ToCity: 'SAN FRANCISCO',
    ToZip: '94105',
    ToCountry: 'US',
    ApiVersion: '2010-04-01',
    SmsSid: 'SM2003cbd5e6a3701999aa3e5f20ff2787',
  };
  const signature = twilioSignature(
    '2bd9e9638872de601313dc77410d3b23',
    'http://twiliotests.heroku.com/validate/sms',
    params,
  );
  t.is(signature, 'mxeiv65lEe0b8L6LdVw2jgJi8yw=');
});

test('does not depend on the order the params arrive in', (t) => {
  const reversed = Object.fromEntries(Object.entries(DOC_PARAMS).reverse());
  t.is(twilioSignature(DOC_TOKEN, DOC_URL, reversed), DOC_SIGNATURE);
});

test('verifies the documented example', (t) => {
  t.true(verifyTwilioSignature(DOC_TOKEN, DOC_URL, DOC_PARAMS, DOC_SIGNATURE));
});

test('rejects a tampered param value, an added param and a removed param', (t) => {
  t.false(verifyTwilioSignature(DOC_TOKEN, DOC_URL, { ...DOC_PARAMS, Digits: '9999' }, DOC_SIGNATURE));
  t.false(verifyTwilioSignature(DOC_TOKEN, DOC_URL, { ...DOC_PARAMS, Extra: '' }, DOC_SIGNATURE));
  const withoutDigits: Record<string, string> = { ...DOC_PARAMS };
  delete withoutDigits.Digits;
  t.false(verifyTwilioSignature(DOC_TOKEN, DOC_URL, withoutDigits, DOC_SIGNATURE));
});

test('rejects another URL, including a changed query string', (t) => {
  t.false(
    verifyTwilioSignature(
      DOC_TOKEN,
      'https://mycompany.com/myapp.php?foo=1&bar=3',
      DOC_PARAMS,
      DOC_SIGNATURE,
    ),
  );
  t.false(verifyTwilioSignature(DOC_TOKEN, 'https://mycompany.com/myapp.php', DOC_PARAMS, DOC_SIGNATURE));
  t.false(
    verifyTwilioSignature(DOC_TOKEN, 'http://mycompany.com/myapp.php?foo=1&bar=2', DOC_PARAMS, DOC_SIGNATURE),
  );
});

test('rejects a signature made with another auth token', (t) => {
  t.false(verifyTwilioSignature('54321', DOC_URL, DOC_PARAMS, DOC_SIGNATURE));
});

test('rejects missing, empty, truncated, extended and same-length forged headers without throwing', (t) => {
  t.false(verifyTwilioSignature(DOC_TOKEN, DOC_URL, DOC_PARAMS, undefined));
  t.false(verifyTwilioSignature(DOC_TOKEN, DOC_URL, DOC_PARAMS, null));
  t.false(verifyTwilioSignature(DOC_TOKEN, DOC_URL, DOC_PARAMS, ''));
  t.false(verifyTwilioSignature(DOC_TOKEN, DOC_URL, DOC_PARAMS, DOC_SIGNATURE.slice(0, -1)));
  t.false(verifyTwilioSignature(DOC_TOKEN, DOC_URL, DOC_PARAMS, `${DOC_SIGNATURE}=`));
  t.false(verifyTwilioSignature(DOC_TOKEN, DOC_URL, DOC_PARAMS, `1${DOC_SIGNATURE.slice(1)}`));
  t.false(verifyTwilioSignature(DOC_TOKEN, DOC_URL, DOC_PARAMS, 'é'.repeat(14)));
});
