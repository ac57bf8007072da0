import { waitFor } from '@herald/testkit';
import { finishedCount, projectorRequestedLag } from './lag.js';
import type { BenchStack } from './stack.js';

/** Where an accepted message stands in the read model at the cut-off. */
export type LedgerClass = 'delivered' | 'failed' | 'inFlight';

/** The class of a read-model status: delivered (or read), failed (any final non-delivery), in flight. */
export function classifyStatus(status: string): LedgerClass {
  switch (status) {
    case 'delivered':
    case 'read':
      return 'delivered';
    case 'undelivered':
    case 'failed':
    case 'cancelled':
    case 'expired':
      return 'failed';
    default:
      return 'inFlight';
  }
}

/** What the ledger check is given: what the clients were told, and what the read model holds. */
export interface LedgerInput {
  /** Message ids from 202 answers (single and batch sends), in the order received. */
  acceptedIds: readonly string[];
  /** Broadcasts answered 202, with the number of messages each accepted (their ids are not returned). */
  broadcasts: readonly { id: string; accepted: number }[];
  /** The tenant's read-model rows at the cut-off. */
  rows: readonly { id: string; status: string; broadcastId: string | null }[];
  /** Messages with more than one MessageAccepted or MessageDelivered event in the store. */
  duplicateEvents: number;
  /**
   * The projector's lag on the requested topic, read just before the rows: at most this many
   * accepted messages can be absent from the read model without being lost.
   */
  unprojectedBound: number;
}

/** Every accepted message accounted for, or the reasons it is not. */
export interface LedgerResult {
  accepted: number;
  delivered: number;
  failed: number;
  inFlight: number;
  /** Accepted but not in the read model yet, within the projector's lag at the cut-off. */
  unprojected: number;
  /** Accepted, absent from the read model, and not explained by the projector's lag: lost. */
  missing: number;
  /** Ids answered 202 more than once. */
  duplicateIds: number;
  duplicateEvents: number;
  /** Rows of single messages no 202 answer named (a request that failed after producing). */
  unacknowledged: number;
  balanced: boolean;
  problems: string[];
}

/** Classifies every accepted message and decides whether the ledger balances. */
export function checkLedger(input: LedgerInput): LedgerResult {
  const counts: Record<LedgerClass, number> = { delivered: 0, failed: 0, inFlight: 0 };
  const single = new Map<string, string>();
  const perBroadcast = new Map<string, number>();
  const broadcastIds = new Set(input.broadcasts.map((b) => b.id));
  for (const row of input.rows) {
    if (row.broadcastId !== null) {
      perBroadcast.set(row.broadcastId, (perBroadcast.get(row.broadcastId) ?? 0) + 1);
      if (broadcastIds.has(row.broadcastId)) counts[classifyStatus(row.status)]++;
    } else single.set(row.id, row.status);
  }
  const unique = new Set<string>();
  let duplicateIds = 0;
  let absent = 0;
  for (const id of input.acceptedIds) {
    if (unique.has(id)) {
      duplicateIds++;
      continue;
    }
    unique.add(id);
    const status = single.get(id);
    if (status === undefined) absent++;
    else counts[classifyStatus(status)]++;
  }
  let extraBroadcastRows = 0;
  for (const broadcast of input.broadcasts) {
    const found = perBroadcast.get(broadcast.id) ?? 0;
    if (found < broadcast.accepted) absent += broadcast.accepted - found;
    else extraBroadcastRows += found - broadcast.accepted;
  }
  const unacknowledged = [...single.keys()].filter((id) => !unique.has(id)).length;
  const unprojected = Math.min(absent, input.unprojectedBound);
  const missing = absent - unprojected;
  const problems: string[] = [];
  if (missing > 0) problems.push(`${missing} accepted messages missing from the read model`);
  if (duplicateIds > 0) problems.push(`${duplicateIds} message ids answered 202 twice`);
  if (input.duplicateEvents > 0)
    problems.push(`${input.duplicateEvents} messages with a duplicated accepted/delivered event`);
  if (extraBroadcastRows > 0)
    problems.push(`${extraBroadcastRows} broadcast rows beyond the accepted counts`);
  return {
    accepted: unique.size + input.broadcasts.reduce((sum, b) => sum + b.accepted, 0),
    ...counts,
    unprojected,
    missing,
    duplicateIds,
    duplicateEvents: input.duplicateEvents,
    unacknowledged,
    balanced: problems.length === 0,
    problems,
  };
}

/** One line for the report. */
export function describeLedger(result: LedgerResult): string {
  const line = `${result.accepted} accepted = ${result.delivered} delivered + ${result.failed} failed + ${result.inFlight} in flight + ${result.unprojected} not yet projected; ${result.missing} missing, ${result.duplicateIds + result.duplicateEvents} duplicates`;
  return result.balanced ? `balanced: ${line}` : `NOT BALANCED (${result.problems.join('; ')}): ${line}`;
}

/**
 * The cut-off: waits until every accepted message of the tenant is final (or `drainMs` passes),
 * then reads the projector's lag, the read model and the duplicate counts, in that order.
 */
export async function ledgerAtCutoff(
  bench: BenchStack,
  tenantId: string,
  accepted: { ids: readonly string[]; broadcasts: readonly { id: string; accepted: number }[] },
  drainMs: number,
): Promise<LedgerResult> {
  const total = new Set(accepted.ids).size + accepted.broadcasts.reduce((sum, b) => sum + b.accepted, 0);
  await waitFor(
    'every accepted message to be final',
    async () => (await finishedCount(bench, tenantId)) >= total,
    {
      timeoutMs: drainMs,
      intervalMs: 250,
    },
  ).catch(() => undefined); // the cut-off: what is not final by now is counted as in flight
  const unprojectedBound = await projectorRequestedLag(bench);
  const { rows } = await bench.pool.query<{ id: string; status: string; broadcast_id: string | null }>(
    'SELECT id::text, status, broadcast_id::text FROM messages WHERE tenant_id = $1',
    [tenantId],
  );
  const { rows: duplicated } = await bench.pool.query<{ n: string }>(
    `SELECT count(DISTINCT stream_id) AS n FROM (
       SELECT stream_id FROM events
        WHERE tenant_id = $1 AND type IN ('MessageAccepted', 'MessageDelivered')
        GROUP BY stream_id, type HAVING count(*) > 1) AS twice`,
    [tenantId],
  );
  return checkLedger({
    acceptedIds: accepted.ids,
    broadcasts: accepted.broadcasts,
    rows: rows.map((row) => ({ id: row.id, status: row.status, broadcastId: row.broadcast_id })),
    duplicateEvents: Number(duplicated[0]?.n ?? 0),
    unprojectedBound,
  });
}
