import test from 'ava';
import { parseDeliveryReceipt } from '@herald/transports';
import { smpp } from '../src/smpp/library.js';
import { Reassembly } from '../src/smpp/reassembly.js';
import { receiptDeliverSm, wantsReceipt } from '../src/smpp/receipt.js';
import type { AcceptedPart } from '../src/smpp/receipt.js';
import type { SubmittedPart } from '../src/smpp/submitted-part.js';

const PART: SubmittedPart = {
  sourceAddr: '15550000003',
  destinationAddr: '15558675310',
  destAddrTon: 1,
  registeredDelivery: 1,
  text: 'Your code is 123456, valid 5 minutes',
  concatenation: null,
};

const ACCEPTED: AcceptedPart = {
  messageId: '0a1b2c3d4e5f6071',
  part: PART,
  submittedAt: new Date('2025-11-22T10:30:59Z'),
};

test('a receipt carries the Appendix B text and the TLVs, from the handset back to the sender', (t) => {
  const fields = receiptDeliverSm(ACCEPTED, 'undelivered', new Date('2025-11-22T10:31:05Z'));
  t.like(fields, {
    source_addr: '15558675310',
    destination_addr: '15550000003',
    esm_class: 0x04,
    receipted_message_id: '0a1b2c3d4e5f6071',
    message_state: 5,
  });
  t.deepEqual(fields.network_error_code, Buffer.from([0x03, 0x00, 0x01]));
  t.is(
    smpp.encodings.ASCII.decode(fields.short_message as Buffer),
    'id:0a1b2c3d4e5f6071 sub:001 dlvrd:000 submit date:2511221030 done date:2511221031 stat:UNDELIV err:001 text:Your code is 123456,',
  );
});

test('the receipt survives a round trip through the wire format and the transport parser', (t) => {
  const pdu = new smpp.PDU('deliver_sm', receiptDeliverSm(ACCEPTED, 'delivered', new Date()));
  const decoded = new smpp.PDU(pdu.toBuffer());
  const shortMessage = decoded.short_message as { message: string };
  t.like(
    parseDeliveryReceipt({
      esmClass: decoded.esm_class as number,
      text: shortMessage.message,
      receiptedMessageId: decoded.receipted_message_id as string,
      messageState: decoded.message_state as number,
      networkErrorCode: null,
    }),
    { messageId: '0a1b2c3d4e5f6071', stat: 'DELIVRD', status: 'delivered' },
  );
});

test('registered_delivery decides which outcomes get a receipt', (t) => {
  t.true(wantsReceipt(1, 'delivered'));
  t.true(wantsReceipt(1, 'undelivered'));
  t.false(wantsReceipt(2, 'delivered'));
  t.true(wantsReceipt(2, 'failed'));
  t.false(wantsReceipt(0, 'undelivered'));
});

test('reassembly completes a message once every part arrived, in any order', (t) => {
  const reassembly = new Reassembly(10);
  const part = (sequence: number): SubmittedPart => ({
    ...PART,
    concatenation: { reference: 7, total: 3, sequence },
  });
  const group = reassembly.open('sys', part(2), 3, 'delivered');
  t.false(reassembly.add('sys', group, 2, { ...ACCEPTED, part: part(2) }));
  t.false(reassembly.add('sys', group, 3, { ...ACCEPTED, part: part(3) }));
  t.is(reassembly.find('sys', part(1)), group);
  t.is(reassembly.find('other-system', part(1)), undefined);
  t.true(reassembly.add('sys', group, 1, { ...ACCEPTED, part: part(1) }));
  t.is(reassembly.find('sys', part(1)), undefined);
});
