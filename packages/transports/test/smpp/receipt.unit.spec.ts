import test from 'ava';
import { isDeliveryReceipt, parseDeliveryReceipt, parseReceiptText } from '../../src/index.js';
import type { DeliverSmFields } from '../../src/index.js';

const RECEIPT_ESM_CLASS = 0x04;

function receiptText(stat: string, err = '000', id = '8f3c2a'): string {
  return `id:${id} sub:001 dlvrd:001 submit date:2511221030 done date:2511221031 stat:${stat} err:${err} text:Your code is 1234`;
}

function fields(overrides: Partial<DeliverSmFields>): DeliverSmFields {
  return {
    esmClass: RECEIPT_ESM_CLASS,
    text: null,
    receiptedMessageId: null,
    messageState: null,
    networkErrorCode: null,
    ...overrides,
  };
}

test('the receipt text is split into its named fields, text last and whole', (t) => {
  t.deepEqual(parseReceiptText(receiptText('DELIVRD')), {
    id: '8f3c2a',
    sub: '001',
    dlvrd: '001',
    submit_date: '2511221030',
    done_date: '2511221031',
    stat: 'DELIVRD',
    err: '000',
    text: 'Your code is 1234',
  });
  t.is(parseReceiptText('id:1 stat:DELIVRD text:a stat:UNDELIV b').text, 'a stat:UNDELIV b');
  t.is(parseReceiptText('id:1 stat:DELIVRD text:a stat:UNDELIV b').stat, 'DELIVRD');
});

test('DELIVRD is delivered, without an error', (t) => {
  t.like(parseDeliveryReceipt(fields({ text: receiptText('DELIVRD') })), {
    messageId: '8f3c2a',
    stat: 'DELIVRD',
    status: 'delivered',
    errorCode: null,
    errorMessage: null,
  });
});

for (const [stat, description] of [
  ['UNDELIV', 'message is undeliverable'],
  ['REJECTD', 'message was rejected'],
  ['EXPIRED', 'validity period expired before delivery'],
  ['DELETED', 'message was deleted'],
] as const) {
  test(`${stat} is undelivered with the receipt's err as the error code`, (t) => {
    t.like(parseDeliveryReceipt(fields({ text: receiptText(stat, '034') })), {
      stat,
      status: 'undelivered',
      errorCode: 'smpp_err_034',
      errorMessage: `${stat}: ${description} (err 034)`,
    });
  });
}

for (const stat of ['ENROUTE', 'ACCEPTD'] as const) {
  test(`${stat} is still sending`, (t) => {
    t.like(parseDeliveryReceipt(fields({ text: receiptText(stat) })), {
      stat,
      status: 'sending',
      errorCode: null,
    });
  });
}

test('UNKNOWN is parsed but maps to no status: the SMSC does not know either', (t) => {
  t.like(parseDeliveryReceipt(fields({ text: receiptText('UNKNOWN') })), { stat: 'UNKNOWN', status: null });
});

test('the TLV form alone (receipted_message_id, message_state, network_error_code) is a receipt', (t) => {
  const receipt = parseDeliveryReceipt(
    fields({
      receiptedMessageId: 'abc-123',
      messageState: 5,
      networkErrorCode: Buffer.from([0x03, 0x00, 0x22]),
    }),
  );
  t.deepEqual(receipt, {
    messageId: 'abc-123',
    stat: 'UNDELIV',
    status: 'undelivered',
    errorCode: 'smpp_err_034',
    errorMessage: 'UNDELIV: message is undeliverable (err 034)',
    raw: { receipted_message_id: 'abc-123', message_state: '5', network_error_code: '034' },
  });
});

test('every message_state number maps to its stat', (t) => {
  const stats = [1, 2, 3, 4, 5, 6, 7, 8].map(
    (state) => parseDeliveryReceipt(fields({ receiptedMessageId: 'x', messageState: state }))?.stat,
  );
  t.deepEqual(stats, [
    'ENROUTE',
    'DELIVRD',
    'EXPIRED',
    'DELETED',
    'UNDELIV',
    'ACCEPTD',
    'UNKNOWN',
    'REJECTD',
  ]);
});

test('TLVs win over the text when both are present, and both end up in raw', (t) => {
  const receipt = parseDeliveryReceipt(
    fields({ text: receiptText('ENROUTE', '000', 'textid'), receiptedMessageId: 'tlvid', messageState: 2 }),
  );
  t.like(receipt, { messageId: 'tlvid', stat: 'DELIVRD', status: 'delivered' });
  t.like(receipt?.raw, { id: 'textid', stat: 'ENROUTE', receipted_message_id: 'tlvid', message_state: '2' });
});

test('lowercase field names and stat values are accepted', (t) => {
  t.like(parseDeliveryReceipt(fields({ text: 'id:77 sub:001 dlvrd:000 stat:undeliv err:001 Text:x' })), {
    messageId: '77',
    status: 'undelivered',
    errorCode: 'smpp_err_001',
  });
});

test('an undelivered receipt without any err says so in its code', (t) => {
  t.like(parseDeliveryReceipt(fields({ receiptedMessageId: 'x', messageState: 8 })), {
    errorCode: 'smpp_err_unknown',
    errorMessage: 'REJECTD: message was rejected',
  });
});

test('a mobile-originated message, an unknown stat or a missing id is no receipt', (t) => {
  t.is(parseDeliveryReceipt(fields({ esmClass: 0x00, text: receiptText('DELIVRD') })), null);
  t.is(parseDeliveryReceipt(fields({ text: receiptText('BOGUS') })), null);
  t.is(parseDeliveryReceipt(fields({ text: 'sub:001 stat:DELIVRD' })), null);
  t.is(parseDeliveryReceipt(fields({ receiptedMessageId: 'x', messageState: 0 })), null);
});

test('the receipt type is read from bits 2-5 of esm_class, whatever the other bits say', (t) => {
  t.true(isDeliveryReceipt(0x04));
  t.true(isDeliveryReceipt(0x44));
  t.false(isDeliveryReceipt(0x08));
  t.false(isDeliveryReceipt(0x40));
  t.false(isDeliveryReceipt(0x0c));
});
