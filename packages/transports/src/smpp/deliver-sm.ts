import type { SmppPdu } from './library.js';
import type { DeliverSmFields } from './receipt.js';

/** Reads the receipt-bearing fields of a deliver_sm as the `smpp` package decoded them. */
export function deliverSmFields(pdu: SmppPdu): DeliverSmFields {
  return {
    esmClass: typeof pdu.esm_class === 'number' ? pdu.esm_class : 0,
    text: messageText(pdu.short_message) ?? messageText(pdu.message_payload),
    receiptedMessageId: typeof pdu.receipted_message_id === 'string' ? pdu.receipted_message_id : null,
    messageState: typeof pdu.message_state === 'number' ? pdu.message_state : null,
    networkErrorCode: Buffer.isBuffer(pdu.network_error_code) ? pdu.network_error_code : null,
  };
}

/** The package decodes short_message to `{ message }` with a string when it knows the data_coding. */
function messageText(value: unknown): string | null {
  if (Buffer.isBuffer(value)) return value.length === 0 ? null : value.toString('latin1');
  if (typeof value !== 'object' || value === null || !('message' in value)) return null;
  const { message } = value;
  if (typeof message === 'string') return message === '' ? null : message;
  return Buffer.isBuffer(message) && message.length > 0 ? message.toString('latin1') : null;
}
