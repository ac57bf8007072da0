import { MICROS_PER_CREDIT } from '@herald/domain';
import type { CreditBalance } from '@herald/store';

// Credits travel as decimal strings ("12.5") so no client ever meets a binary float; the exact
// integer micro-credits travel beside them.
const DIGITS = Math.round(Math.log10(MICROS_PER_CREDIT));
const DECIMAL = new RegExp(`^(\\d{1,12})(?:\\.(\\d{1,${DIGITS}}))?$`);

/** Micro-credits of a credit amount given as a decimal string or number ("12.5", 12.5); null if not one. */
export function parseCredits(value: string | number): number | null {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const [, whole = '0', fraction = ''] = match;
  return Number(whole) * MICROS_PER_CREDIT + Number(fraction.padEnd(DIGITS, '0'));
}

/** A micro-credit amount as a decimal credit string without trailing zeros ("12.5", "0", "-3"). */
export function formatCredits(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const absolute = Math.abs(micros);
  const whole = Math.floor(absolute / MICROS_PER_CREDIT);
  const fraction = String(absolute % MICROS_PER_CREDIT)
    .padStart(DIGITS, '0')
    .replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** A balance as the API shows it: credits as decimal strings and the exact micro-credits. */
export function balanceResource(balance: CreditBalance) {
  return {
    balance: formatCredits(balance.balance),
    held: formatCredits(balance.held),
    available: formatCredits(balance.available),
    balance_micros: balance.balance,
    held_micros: balance.held,
    available_micros: balance.available,
  };
}
