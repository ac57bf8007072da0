import { formatCredits } from './credit-amounts.js';
import { Problem } from './problems.js';

/** The 402 for a request that costs more than the tenant has. */
export function insufficientCredits(costMicros: number, availableMicrosNow: number): Problem {
  return new Problem(
    402,
    'insufficient_credits',
    'Insufficient credits',
    `This costs ${formatCredits(costMicros)} credits and ${formatCredits(availableMicrosNow)} are available; add credits and retry.`,
  );
}

/**
 * A fast pre-check that the tenant can pay `costMicros`; free requests are never refused. The
 * router's hold is authoritative: two requests racing past this check are settled there.
 */
export async function requireCredits(
  availableMicros: (tenantId: string) => Promise<number>,
  tenantId: string,
  costMicros: number,
): Promise<void> {
  if (costMicros <= 0) return;
  const available = await availableMicros(tenantId);
  if (available < costMicros) throw insufficientCredits(costMicros, available);
}
