import { assertNever } from '../exhaustive.js';
import type { ProviderStatus } from '../transport.js';

/** The stat values of an SMPP 3.4 delivery receipt (Appendix B). */
export const RECEIPT_STATS = [
  'ENROUTE',
  'DELIVRD',
  'EXPIRED',
  'DELETED',
  'UNDELIV',
  'ACCEPTD',
  'UNKNOWN',
  'REJECTD',
] as const;

/** A documented receipt stat. */
export type ReceiptStat = (typeof RECEIPT_STATS)[number];

/** The fields of a deliver_sm that carry a receipt, independent of any SMPP library. */
export interface DeliverSmFields {
  esmClass: number;
  /** short_message (or message_payload) decoded as text; null when empty. */
  text: string | null;
  /** TLV 0x001E. */
  receiptedMessageId: string | null;
  /** TLV 0x0427: 1 ENROUTE ... 8 REJECTED. */
  messageState: number | null;
  /** TLV 0x0423: network type, then a two-octet error code. */
  networkErrorCode: Buffer | null;
}

/** A parsed delivery receipt in Herald's vocabulary. */
export interface DeliveryReceipt {
  /** The message_id the SMSC gave in submit_sm_resp for the part this receipt is about. */
  messageId: string;
  stat: ReceiptStat;
  /** Null for UNKNOWN: the SMSC itself does not know, so Herald should not guess. */
  status: ProviderStatus | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** Every field read, by its receipt-text name or TLV name, for the timeline. */
  raw: Record<string, string>;
}

// message_state TLV values (SMPP 3.4, 5.2.28) in the order of their numbers, starting at 1.
const STATE_BY_NUMBER: readonly ReceiptStat[] = [
  'ENROUTE',
  'DELIVRD',
  'EXPIRED',
  'DELETED',
  'UNDELIV',
  'ACCEPTD',
  'UNKNOWN',
  'REJECTD',
];

// Bits 2-5 of esm_class give the message type; 0001 is "SMSC delivery receipt".
const MESSAGE_TYPE_MASK = 0x3c;
const DELIVERY_RECEIPT = 0x04;

/** True when a deliver_sm is a delivery receipt rather than a mobile-originated message. */
export function isDeliveryReceipt(esmClass: number): boolean {
  return (esmClass & MESSAGE_TYPE_MASK) === DELIVERY_RECEIPT;
}

/**
 * Reads a receipt from its text (`id:... sub:... dlvrd:... submit date:... done date:... stat:...
 * err:... text:...`) and/or its TLVs; the TLVs win where both are present. Null when the deliver_sm
 * is no receipt, or names no message id or no known stat.
 */
export function parseDeliveryReceipt(fields: DeliverSmFields): DeliveryReceipt | null {
  if (!isDeliveryReceipt(fields.esmClass)) return null;
  const raw = fields.text === null ? {} : parseReceiptText(fields.text);
  if (fields.receiptedMessageId !== null) raw.receipted_message_id = fields.receiptedMessageId;
  if (fields.messageState !== null) raw.message_state = String(fields.messageState);
  const networkError = readNetworkErrorCode(fields.networkErrorCode);
  if (networkError !== null) raw.network_error_code = networkError;
  const messageId = fields.receiptedMessageId ?? raw.id ?? null;
  const stat = statFromNumber(fields.messageState) ?? statFromText(raw.stat);
  if (messageId === null || messageId === '' || stat === null) return null;
  const err = raw.err ?? networkError;
  return { messageId, stat, ...interpretStat(stat, err), raw };
}

const TEXT_FIELD = /^\s*text:/i;

/**
 * Splits the receipt text into its named fields. `text:` is last and may contain anything, so it is
 * cut off first; the other fields are `name:value` with no spaces in the value.
 */
export function parseReceiptText(receipt: string): Record<string, string> {
  const textAt = receipt.search(/(?:^|\s)text:/i);
  const head = textAt === -1 ? receipt : receipt.slice(0, textAt);
  const fields: Record<string, string> = {};
  for (const match of head.matchAll(/(?:^|\s)(id|sub|dlvrd|submit date|done date|stat|err):(\S*)/gi)) {
    const [, name, value] = match;
    if (name !== undefined && value !== undefined) fields[name.toLowerCase().replace(' ', '_')] = value;
  }
  if (textAt !== -1) fields.text = receipt.slice(textAt).replace(TEXT_FIELD, '');
  return fields;
}

function statFromNumber(state: number | null): ReceiptStat | null {
  return state === null ? null : (STATE_BY_NUMBER[state - 1] ?? null);
}

function statFromText(stat: string | undefined): ReceiptStat | null {
  const upper = stat?.toUpperCase();
  return RECEIPT_STATS.find((known) => known === upper) ?? null;
}

/** The error code part of network_error_code, as the three decimal digits receipts use for `err`. */
function readNetworkErrorCode(value: Buffer | null): string | null {
  if (value === null || value.length !== 3) return null;
  return String(value.readUInt16BE(1)).padStart(3, '0');
}

type Interpretation = Pick<DeliveryReceipt, 'status' | 'errorCode' | 'errorMessage'>;

function interpretStat(stat: ReceiptStat, err: string | undefined | null): Interpretation {
  const failed = (description: string): Interpretation => ({
    status: 'undelivered',
    errorCode: `smpp_err_${err ?? 'unknown'}`,
    errorMessage: `${stat}: ${description}${err === undefined || err === null ? '' : ` (err ${err})`}`,
  });
  switch (stat) {
    case 'DELIVRD':
      return { status: 'delivered', errorCode: null, errorMessage: null };
    // Still travelling (ENROUTE), or accepted on the subscriber's behalf without a final outcome.
    case 'ENROUTE':
    case 'ACCEPTD':
      return { status: 'sending', errorCode: null, errorMessage: null };
    case 'UNDELIV':
      return failed('message is undeliverable');
    case 'REJECTD':
      return failed('message was rejected');
    case 'EXPIRED':
      return failed('validity period expired before delivery');
    case 'DELETED':
      return failed('message was deleted');
    case 'UNKNOWN':
      return { status: null, errorCode: null, errorMessage: null };
    default:
      return assertNever(stat);
  }
}
