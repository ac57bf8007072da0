import type { SmppPdu } from '@herald/transports';

/** Where a part sits in its concatenated message, from the UDH (IEI 0x00 or 0x08). */
export interface Concatenation {
  reference: number;
  total: number;
  sequence: number;
}

/** One submit_sm as the simulated SMSC understands it. */
export interface SubmittedPart {
  sourceAddr: string;
  destinationAddr: string;
  destAddrTon: number;
  registeredDelivery: number;
  text: string;
  concatenation: Concatenation | null;
}

/** Reads a submit_sm the `smpp` package has decoded (short_message becomes `{ udh, message }`). */
export function readSubmitSm(pdu: SmppPdu): SubmittedPart {
  const shortMessage = pdu.short_message;
  const decoded = typeof shortMessage === 'object' && shortMessage !== null ? shortMessage : {};
  const message = 'message' in decoded ? decoded.message : undefined;
  const udh = 'udh' in decoded && Array.isArray(decoded.udh) ? decoded.udh : [];
  return {
    sourceAddr: text(pdu.source_addr),
    destinationAddr: text(pdu.destination_addr),
    destAddrTon: numberOr0(pdu.dest_addr_ton),
    registeredDelivery: numberOr0(pdu.registered_delivery),
    text: typeof message === 'string' ? message : Buffer.isBuffer(message) ? message.toString('latin1') : '',
    concatenation: concatenationOf(udh),
  };
}

/** The first concatenation element among the UDH's information elements, if any. */
function concatenationOf(elements: unknown[]): Concatenation | null {
  for (const element of elements) {
    if (!Buffer.isBuffer(element)) continue;
    if (element[0] === 0x00 && element.length === 5) return concat(element[2], element[3], element[4]);
    if (element[0] === 0x08 && element.length === 6)
      return concat(element.readUInt16BE(2), element[4], element[5]);
  }
  return null;
}

function concat(
  reference: number | undefined,
  total: number | undefined,
  sequence: number | undefined,
): Concatenation | null {
  if (reference === undefined || total === undefined || sequence === undefined) return null;
  if (total === 0 || sequence === 0 || sequence > total) return null;
  return { reference, total, sequence };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}
