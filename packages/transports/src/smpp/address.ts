/** An SMPP address with its type of number and numbering plan indicator. */
export interface SmppAddress {
  ton: number;
  npi: number;
  addr: string;
}

/** TON/NPI values Herald uses (SMPP 3.4, 5.2.5 and 5.2.6). */
export const TON = { UNKNOWN: 0, INTERNATIONAL: 1, NETWORK_SPECIFIC: 3, ALPHANUMERIC: 5 } as const;
export const NPI = { UNKNOWN: 0, ISDN: 1 } as const;

const INTERNATIONAL = /^\+?([1-9]\d{6,14})$/;
const SHORT_CODE = /^\d{3,6}$/;
// GSM alphanumeric originators: at most 11 characters, at least one of them a letter.
const ALPHANUMERIC = /^(?=.*[A-Za-z])[A-Za-z0-9 .\-_&]{1,11}$/;

/**
 * How an address travels in SMPP: E.164 numbers (with or without +) as international/ISDN without
 * the +, short codes as network-specific, sender names as alphanumeric. Null when it is none of them.
 */
export function toSmppAddress(address: string): SmppAddress | null {
  const international = INTERNATIONAL.exec(address);
  if (international?.[1] !== undefined)
    return { ton: TON.INTERNATIONAL, npi: NPI.ISDN, addr: international[1] };
  if (SHORT_CODE.test(address)) return { ton: TON.NETWORK_SPECIFIC, npi: NPI.UNKNOWN, addr: address };
  if (ALPHANUMERIC.test(address)) return { ton: TON.ALPHANUMERIC, npi: NPI.UNKNOWN, addr: address };
  return null;
}
