import type { FinalStatus } from '../stats.js';
import { assertNever } from '../assert-never.js';
import { smpp } from './library.js';
import type { SubmittedPart } from './submitted-part.js';

/** One accepted part: the id the SMSC gave it and what was submitted. */
export interface AcceptedPart {
  messageId: string;
  part: SubmittedPart;
  submittedAt: Date;
}

interface ReceiptOutcome {
  stat: 'DELIVRD' | 'UNDELIV' | 'REJECTD';
  /** message_state TLV value (SMPP 3.4, 5.2.28). */
  state: number;
  err: number;
}

// Error codes are network specific; 1 and 2 stand in for "absent subscriber" and "barred".
function receiptOutcome(finalStatus: FinalStatus): ReceiptOutcome {
  switch (finalStatus) {
    case 'delivered':
      return { stat: 'DELIVRD', state: 2, err: 0 };
    case 'undelivered':
      return { stat: 'UNDELIV', state: 5, err: 1 };
    case 'failed':
      return { stat: 'REJECTD', state: 8, err: 2 };
    default:
      return assertNever(finalStatus);
  }
}

/** True when the part's registered_delivery asks for a receipt for this outcome (SMPP 3.4, 5.2.17). */
export function wantsReceipt(registeredDelivery: number, finalStatus: FinalStatus): boolean {
  const request = registeredDelivery & 0x03;
  return request === 1 || (request === 2 && finalStatus !== 'delivered');
}

/**
 * The deliver_sm fields of a receipt, in both forms SMSCs use: the Appendix B text in
 * short_message and the receipted_message_id / message_state / network_error_code TLVs.
 */
export function receiptDeliverSm(
  accepted: AcceptedPart,
  finalStatus: FinalStatus,
  doneAt: Date,
): Record<string, unknown> {
  const { stat, state, err } = receiptOutcome(finalStatus);
  const { part } = accepted;
  const text =
    `id:${accepted.messageId} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} ` +
    `submit date:${receiptDate(accepted.submittedAt)} done date:${receiptDate(doneAt)} ` +
    `stat:${stat} err:${String(err).padStart(3, '0')} text:${part.text.slice(0, 20)}`;
  const fields: Record<string, unknown> = {
    // The receipt travels from the handset back to the original sender.
    source_addr_ton: part.destAddrTon,
    source_addr_npi: 1,
    source_addr: part.destinationAddr,
    destination_addr: part.sourceAddr,
    esm_class: 0x04,
    data_coding: 0,
    short_message: smpp.encodings.ASCII.encode(text),
    receipted_message_id: accepted.messageId,
    message_state: state,
  };
  if (err !== 0) fields.network_error_code = Buffer.from([0x03, 0x00, err]);
  return fields;
}

/** YYMMDDhhmm in UTC, the receipt's date format. */
function receiptDate(date: Date): string {
  const two = (value: number): string => String(value).padStart(2, '0');
  return (
    two(date.getUTCFullYear() % 100) +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes())
  );
}
