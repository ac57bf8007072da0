import { createHash, timingSafeEqual } from 'node:crypto';

/** The system_id and password the simulated SMSC accepts on bind. */
export interface SmppAccount {
  systemId: string;
  password: string;
}

/** Development defaults, shared with Herald's development providers file. */
export const DEFAULT_SMPP_ACCOUNT: SmppAccount = { systemId: 'herald', password: 'dev-smpp-pass' };

/** Compares both credentials in constant time (digests have equal length, so nothing leaks). */
export function credentialsMatch(account: SmppAccount, systemId: unknown, password: unknown): boolean {
  if (typeof systemId !== 'string' || typeof password !== 'string') return false;
  const expected = digest(`${account.systemId}\u0000${account.password}`);
  return timingSafeEqual(digest(`${systemId}\u0000${password}`), expected);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
