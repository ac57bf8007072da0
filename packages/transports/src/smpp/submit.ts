import { segmentText, splitText } from '@herald/domain';
import type { SmsEncoding } from '@herald/domain';
import { assertNever } from '../exhaustive.js';
import type { OutboundMessage, SendResult } from '../transport.js';
import { toSmppAddress } from './address.js';
import type { SmppAddress } from './address.js';
import { smppLibrary } from './library.js';

/** The submit_sm parameters Herald sets; the rest keep their SMPP defaults (empty or zero). */
export interface SubmitSmFields {
  service_type: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  esm_class: number;
  registered_delivery: number;
  data_coding: number;
  short_message: Buffer;
}

/** Every submit_sm of one message, in part order, or why it cannot be sent over SMPP. */
export type SubmitPlan = { ok: true; parts: SubmitSmFields[] } | { ok: false; result: SendResult };

/** What the plan needs besides the message. */
export interface SubmitDefaults {
  sourceAddr: string | null;
  /** 8-bit concatenation reference shared by the parts of this message. */
  reference: number;
}

// data_coding 0 is the SMSC default alphabet, GSM 03.38; 8 is UCS-2 (SMPP 3.4, 5.2.19).
const DATA_CODING: Readonly<Record<SmsEncoding, number>> = { 'GSM-7': 0x00, 'UCS-2': 0x08 };
const UDH_INDICATOR = 0x40;
// Request an SMSC delivery receipt for the final outcome, success or failure.
const REGISTERED_DELIVERY_FINAL = 0x01;

/**
 * Maps a message to its submit_sm PDUs. The text is split exactly as the domain counts parts, so
 * a message costs on the wire what the API billed; several parts carry a concatenation UDH.
 */
export function planSubmit(message: OutboundMessage, defaults: SubmitDefaults): SubmitPlan {
  if (message.channel !== 'sms')
    return refuse('unsupported_channel', `SMPP cannot send on channel '${message.channel}'`);
  const destination = toSmppAddress(message.to);
  if (destination === null)
    return refuse('smpp_invalid_destination', `'${message.to}' is not an SMPP address`);
  const sourceText = message.from ?? defaults.sourceAddr;
  const source = sourceText === null ? null : toSmppAddress(sourceText);
  if (sourceText !== null && source === null) {
    return refuse('smpp_invalid_source', `'${sourceText}' is not a phone number, short code or sender name`);
  }
  const encoding = segmentText(message.text).encoding;
  const texts = splitText(message.text);
  const parts = texts.map((text, index) =>
    partFields(
      source,
      destination,
      encoding,
      encodeText(text, encoding),
      udh(defaults.reference, texts.length, index + 1),
    ),
  );
  return { ok: true, parts };
}

/** The concatenation header: IEI 0x00 (8-bit reference), length 3, reference, total, sequence. */
export function udh(reference: number, total: number, sequence: number): Buffer | null {
  return total === 1 ? null : Buffer.from([0x05, 0x00, 0x03, reference & 0xff, total, sequence]);
}

function partFields(
  source: SmppAddress | null,
  destination: SmppAddress,
  encoding: SmsEncoding,
  text: Buffer,
  header: Buffer | null,
): SubmitSmFields {
  return {
    service_type: '',
    source_addr_ton: source?.ton ?? 0,
    source_addr_npi: source?.npi ?? 0,
    source_addr: source?.addr ?? '',
    dest_addr_ton: destination.ton,
    dest_addr_npi: destination.npi,
    destination_addr: destination.addr,
    esm_class: header === null ? 0 : UDH_INDICATOR,
    registered_delivery: REGISTERED_DELIVERY_FINAL,
    data_coding: DATA_CODING[encoding],
    short_message: header === null ? text : Buffer.concat([header, text]),
  };
}

/** GSM-7 unpacked (one septet per octet, extension characters escaped), or UTF-16BE. */
function encodeText(text: string, encoding: SmsEncoding): Buffer {
  switch (encoding) {
    case 'GSM-7':
      return smppLibrary.encodings.ASCII.encode(text);
    case 'UCS-2':
      return smppLibrary.encodings.UCS2.encode(text);
    default:
      return assertNever(encoding);
  }
}

function refuse(errorCode: string, errorMessage: string): SubmitPlan {
  return { ok: false, result: { ok: false, retryable: false, errorCode, errorMessage } };
}
