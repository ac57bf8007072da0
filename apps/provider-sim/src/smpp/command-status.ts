/** The SMPP 3.4 command_status values the simulated SMSC answers with (section 5.1.3). */
export const STATUS = {
  ROK: 0x00,
  RINVBNDSTS: 0x04,
  RALYBND: 0x05,
  RSYSERR: 0x08,
  RINVDSTADR: 0x0b,
  RBINDFAIL: 0x0d,
  RINVCMDID: 0x03,
  RTHROTTLED: 0x58,
} as const;

/** `0x58`: how stats name a status. */
export function hex(status: number): string {
  return `0x${status.toString(16).padStart(2, '0')}`;
}
