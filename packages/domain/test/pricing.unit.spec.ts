import test from 'ava';
import { DEFAULT_PRICE_TABLE, MICROS_PER_CREDIT, parsePriceTable, priceMessage } from '../src/index.js';
import type { PriceTable } from '../src/index.js';

const table: PriceTable = {
  perPart: { sms: 10_000, whatsapp: 5_000, telegram: 0 },
  prefixes: [
    { prefix: '+44', perPart: 40_000 },
    { prefix: '+447', channel: 'sms', perPart: 45_000 },
    { prefix: '44', channel: 'whatsapp', perPart: 7_000 },
    { prefix: '+1', channel: 'sms', perPart: 8_000 },
  ],
};

test('the default table prices an SMS part at 0.01 credit, WhatsApp at 0.005 and Telegram free', (t) => {
  t.is(MICROS_PER_CREDIT, 1_000_000);
  t.is(priceMessage(DEFAULT_PRICE_TABLE, { channel: 'sms', to: '+15551234567', parts: 3 }), 30_000);
  t.is(priceMessage(DEFAULT_PRICE_TABLE, { channel: 'whatsapp', to: '+15551234567', parts: 1 }), 5_000);
  t.is(priceMessage(DEFAULT_PRICE_TABLE, { channel: 'telegram', to: '123456789', parts: 1 }), 0);
});

test('the longest prefix matching the recipient and channel sets the price per part', (t) => {
  t.is(priceMessage(table, { channel: 'sms', to: '+447700900123', parts: 2 }), 90_000);
  t.is(priceMessage(table, { channel: 'sms', to: '+442079460000', parts: 2 }), 80_000);
  t.is(priceMessage(table, { channel: 'telegram', to: '+447700900123', parts: 1 }), 40_000);
  t.is(priceMessage(table, { channel: 'sms', to: '+15551234567', parts: 1 }), 8_000);
});

test('at equal length a price for the channel beats one for every channel', (t) => {
  t.is(priceMessage(table, { channel: 'whatsapp', to: '+447700900123', parts: 1 }), 7_000);
});

test('a prefix for another channel, or none at all, leaves the channel default', (t) => {
  t.is(priceMessage(table, { channel: 'whatsapp', to: '+15551234567', parts: 2 }), 10_000);
  t.is(priceMessage(table, { channel: 'sms', to: '+33612345678', parts: 1 }), 10_000);
});

test('a valid table parses to the same table', (t) => {
  t.deepEqual(parsePriceTable(JSON.parse(JSON.stringify(table))), { ok: true, value: table });
  t.deepEqual(parsePriceTable({ perPart: { sms: 1, whatsapp: 0, telegram: 0 } }), {
    ok: true,
    value: { perPart: { sms: 1, whatsapp: 0, telegram: 0 } },
  });
});

test('an invalid table is refused with the path of the first problem', (t) => {
  const cases: [unknown, string][] = [
    [null, 'price table'],
    [{ perPart: { sms: 1, whatsapp: 1 } }, 'perPart.telegram'],
    [{ perPart: { sms: -1, whatsapp: 1, telegram: 0 } }, 'perPart.sms'],
    [{ perPart: { sms: 1.5, whatsapp: 1, telegram: 0 } }, 'perPart.sms'],
    [{ perPart: { sms: '1', whatsapp: 1, telegram: 0 } }, 'perPart.sms'],
    [{ perPart: { sms: 1, whatsapp: 1, telegram: 0, fax: 1 } }, 'perPart.fax'],
    [{ perPart: DEFAULT_PRICE_TABLE.perPart, prefixes: {} }, 'prefixes'],
    [
      { perPart: DEFAULT_PRICE_TABLE.perPart, prefixes: [{ prefix: '+0', perPart: 1 }] },
      'prefixes[0].prefix',
    ],
    [
      { perPart: DEFAULT_PRICE_TABLE.perPart, prefixes: [{ prefix: 'abc', perPart: 1 }] },
      'prefixes[0].prefix',
    ],
    [
      { perPart: DEFAULT_PRICE_TABLE.perPart, prefixes: [{ prefix: '+1', channel: 'fax', perPart: 1 }] },
      'prefixes[0].channel',
    ],
    [
      { perPart: DEFAULT_PRICE_TABLE.perPart, prefixes: [{ prefix: '+1', perPart: -2 }] },
      'prefixes[0].perPart',
    ],
    [
      { perPart: DEFAULT_PRICE_TABLE.perPart, prefixes: [{ prefix: '+1', per_part: 2 }] },
      'prefixes[0].per_part',
    ],
    [{ perPart: DEFAULT_PRICE_TABLE.perPart, prefix: [] }, 'prefix'],
  ];
  for (const [json, path] of cases) {
    const result = parsePriceTable(json);
    t.false(result.ok, JSON.stringify(json));
    if (!result.ok) {
      t.is(result.error.code, 'invalid_price_table');
      t.true(result.error.message.startsWith(`${path} `), result.error.message);
    }
  }
});
