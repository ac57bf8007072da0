import type { SendResult } from '../transport.js';

/** SMPP 3.4 command_status values Herald treats specially (section 5.1.3). */
export const ESME = {
  ROK: 0x00,
  RINVMSGLEN: 0x01,
  RSYSERR: 0x08,
  RINVSRCADR: 0x0a,
  RINVDSTADR: 0x0b,
  RBINDFAIL: 0x0d,
  RMSGQFUL: 0x14,
  RTHROTTLED: 0x58,
} as const;

const NAMES: Readonly<Record<number, string>> = {
  [ESME.ROK]: 'ESME_ROK',
  [ESME.RINVMSGLEN]: 'ESME_RINVMSGLEN',
  [ESME.RSYSERR]: 'ESME_RSYSERR',
  [ESME.RINVSRCADR]: 'ESME_RINVSRCADR',
  [ESME.RINVDSTADR]: 'ESME_RINVDSTADR',
  [ESME.RBINDFAIL]: 'ESME_RBINDFAIL',
  [ESME.RMSGQFUL]: 'ESME_RMSGQFUL',
  [ESME.RTHROTTLED]: 'ESME_RTHROTTLED',
};

// The SMSC is busy or briefly broken: the same PDU may well succeed later.
const RETRYABLE: ReadonlySet<number> = new Set([ESME.RTHROTTLED, ESME.RMSGQFUL, ESME.RSYSERR]);

/** `smpp_0x58`: the stable error code of a command_status, lowercase hex, at least two digits. */
export function smppErrorCode(commandStatus: number): string {
  return `smpp_0x${commandStatus.toString(16).padStart(2, '0')}`;
}

/** `ESME_RTHROTTLED (0x58)`, or just the hex for statuses without a well-known name here. */
export function describeCommandStatus(commandStatus: number): string {
  const hex = `0x${commandStatus.toString(16).padStart(2, '0')}`;
  const name = NAMES[commandStatus];
  return name === undefined ? `command_status ${hex}` : `${name} (${hex})`;
}

/**
 * The failure a non-zero submit_sm_resp command_status stands for: throttling, a full queue and a
 * system error are retryable, everything else (bad address, bad length, ...) is permanent.
 */
export function submitFailure(commandStatus: number): SendResult {
  return {
    ok: false,
    retryable: RETRYABLE.has(commandStatus),
    errorCode: smppErrorCode(commandStatus),
    errorMessage: `submit_sm refused: ${describeCommandStatus(commandStatus)}`,
  };
}
