import type { Random } from '../random.js';
import type { FinalStatus } from '../stats.js';

/** The rates an outcome is drawn from. */
export interface OutcomeRates {
  temporaryFailureRate: number;
  permanentFailureRate: number;
  undeliveredRate: number;
  failedRate: number;
}

/** What the simulator does with a valid send request. */
export type SendOutcome =
  | { kind: 'temporary_failure'; status: 429 | 503 }
  | { kind: 'permanent_failure' }
  | { kind: 'accepted'; finalStatus: FinalStatus };

/**
 * Picks an outcome. Always draws exactly three numbers, whichever branch wins, so a request's
 * outcome depends only on the seed and its position among valid requests.
 */
export function drawOutcome(random: Random, rates: OutcomeRates): SendOutcome {
  const admission = random.next();
  const temporaryKind = random.next();
  const delivery = random.next();
  if (admission < rates.temporaryFailureRate) {
    return { kind: 'temporary_failure', status: temporaryKind < 0.5 ? 503 : 429 };
  }
  if (admission < rates.temporaryFailureRate + rates.permanentFailureRate)
    return { kind: 'permanent_failure' };
  if (delivery < rates.undeliveredRate) return { kind: 'accepted', finalStatus: 'undelivered' };
  if (delivery < rates.undeliveredRate + rates.failedRate) return { kind: 'accepted', finalStatus: 'failed' };
  return { kind: 'accepted', finalStatus: 'delivered' };
}
