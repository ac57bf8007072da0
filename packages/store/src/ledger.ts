import { randomUUID } from 'node:crypto';
import {
  addCredits,
  availableCredits,
  captureCredits,
  emptyLedger,
  evolveLedger,
  holdCredits,
  releaseCredits,
} from '@herald/domain';
import type { Hold, HoldStatus, LedgerEntry, LedgerError, LedgerState, Result } from '@herald/domain';
import { inTransaction } from './pool.js';
import type { Pool, PoolClient } from './pool.js';

// The credits ledger in Postgres: `ledger_entries` is the append-only log, `credit_accounts` its fold
// per tenant. Every write locks the tenants' account rows (in tenant id order, so two batches never
// deadlock), loads the holds of the messages at hand, lets the pure ledger decide, then appends the
// entries and stores the new fold in the caller's transaction. Amounts are micro-credits.

/** A tenant's credits in micro-credits; `available` is what can still be held. */
export interface CreditBalance {
  balance: number;
  held: number;
  available: number;
}

/** A message's price to hold. */
export interface CreditHold {
  tenantId: string;
  messageId: string;
  amount: number;
  channel: string | null;
}

/** What became of one hold: held (now or before), or refused for want of credits. */
export type HoldOutcome = { ok: true } | { ok: false; code: 'insufficient_credits'; available: number };

/** Spend (capture) or give back (release) a message's hold. */
export interface CreditSettlement {
  tenantId: string;
  messageId: string;
  action: 'capture' | 'release';
  reason?: string;
}

/** A ledger entry as stored, with the channel of the message it concerns. */
export interface StoredLedgerEntry {
  entryId: string;
  tenantId: string;
  kind: LedgerEntry['kind'];
  messageId: string | null;
  amount: number;
  reference: string | null;
  reason: string | null;
  channel: string | null;
  occurredAt: number;
}

interface Appended {
  entry: LedgerEntry;
  channel: string | null;
}

const toBalance = (state: LedgerState): CreditBalance => ({
  balance: state.balance,
  held: state.held,
  available: availableCredits(state),
});

/** Creates missing accounts, then locks the accounts of `tenantIds` in id order and folds them. */
async function lockAccounts(client: PoolClient, tenantIds: string[]): Promise<Map<string, LedgerState>> {
  const sorted = [...new Set(tenantIds)].sort();
  await client.query(
    `INSERT INTO credit_accounts (tenant_id) SELECT id FROM unnest($1::text[]) AS id ORDER BY id
     ON CONFLICT (tenant_id) DO NOTHING`,
    [sorted],
  );
  const { rows } = await client.query<{ tenant_id: string; balance: string; held: string }>(
    `SELECT tenant_id, balance, held FROM credit_accounts WHERE tenant_id = ANY($1::text[])
     ORDER BY tenant_id FOR UPDATE`,
    [sorted],
  );
  const states = new Map(sorted.map((id) => [id, emptyLedger(id)]));
  for (const row of rows)
    states.set(row.tenant_id, {
      ...emptyLedger(row.tenant_id),
      balance: Number(row.balance),
      held: Number(row.held),
    });
  return states;
}

type HoldRow = {
  tenant_id: string;
  message_id: string;
  kind: LedgerEntry['kind'];
  amount: string;
  channel: string | null;
};

const settledStatus = (kind: LedgerEntry['kind']): HoldStatus | null =>
  kind === 'credits_captured' ? 'captured' : kind === 'credits_released' ? 'released' : null;

/** Loads the holds of the given messages into the locked states; returns each held message's channel. */
async function loadHolds(
  client: PoolClient,
  states: Map<string, LedgerState>,
  messages: { tenantId: string; messageId: string }[],
): Promise<Map<string, string | null>> {
  const { rows } = await client.query<HoldRow>(
    `SELECT tenant_id, message_id, kind, amount, channel FROM ledger_entries
      WHERE message_id IS NOT NULL
        AND (tenant_id, message_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [messages.map((m) => m.tenantId), messages.map((m) => m.messageId)],
  );
  const key = (row: HoldRow) => `${row.tenant_id}\u0000${row.message_id}`;
  const settled = new Map<string, HoldStatus>();
  for (const row of rows) {
    const status = settledStatus(row.kind);
    if (status) settled.set(key(row), status);
  }
  // The held row gives the amount and channel; a capture or release row, when present, the status.
  const channels = new Map<string, string | null>();
  const holds = new Map<string, Record<string, Hold>>();
  for (const row of rows.filter((r) => r.kind === 'credits_held')) {
    const tenantHolds = holds.get(row.tenant_id) ?? {};
    tenantHolds[row.message_id] = { amount: Number(row.amount), status: settled.get(key(row)) ?? 'held' };
    holds.set(row.tenant_id, tenantHolds);
    channels.set(row.message_id, row.channel);
  }
  for (const [tenantId, tenantHolds] of holds) {
    const state = states.get(tenantId);
    if (state) states.set(tenantId, { ...state, holds: tenantHolds });
  }
  return channels;
}

/** Appends entries in one set-based statement; the unique indexes refuse a duplicate outright. */
async function appendEntries(client: PoolClient, appended: Appended[]): Promise<void> {
  if (appended.length === 0) return;
  const column = <T>(pick: (entry: LedgerEntry) => T) => appended.map(({ entry }) => pick(entry));
  await client.query(
    `INSERT INTO ledger_entries (entry_id, tenant_id, kind, message_id, amount, reference, reason, channel, occurred_at)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[],
                          $8::text[], $9::timestamptz[])`,
    [
      column((e) => e.entryId),
      column((e) => e.tenantId),
      column((e) => e.kind),
      column((e) => (e.kind === 'credits_added' ? null : e.messageId)),
      column((e) => e.amount),
      column((e) => (e.kind === 'credits_added' ? e.reference : null)),
      column((e) => (e.kind === 'credits_released' ? e.reason : null)),
      appended.map((a) => a.channel),
      column((e) => new Date(e.occurredAt)),
    ],
  );
}

/** Stores the new folds of the accounts that entries were appended to. */
async function saveAccounts(
  client: PoolClient,
  all: Map<string, LedgerState>,
  appended: Appended[],
): Promise<void> {
  const touched = new Set(appended.map((a) => a.entry.tenantId));
  const states = [...all.values()].filter((state) => touched.has(state.tenantId));
  if (states.length === 0) return;
  await client.query(
    `UPDATE credit_accounts a SET balance = v.balance, held = v.held, updated_at = now()
       FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS v(tenant_id, balance, held)
      WHERE a.tenant_id = v.tenant_id`,
    [states.map((s) => s.tenantId), states.map((s) => s.balance), states.map((s) => s.held)],
  );
}

/** Applies a decision's entries to the running state and queues them for appending. */
function apply(
  states: Map<string, LedgerState>,
  state: LedgerState,
  entries: LedgerEntry[],
  channel: string | null,
  appended: Appended[],
): void {
  states.set(state.tenantId, entries.reduce(evolveLedger, state));
  for (const entry of entries) appended.push({ entry, channel });
}

// An invalid amount here is a pricing bug upstream, not a tenant's problem: fail loudly.
function invalidAmount(error: LedgerError): never {
  throw new Error(`ledger refused an amount: ${error.message}`);
}

/**
 * Holds each message's price, in the caller's transaction. Idempotent per message: a message that
 * already has a hold answers ok and nothing is written. Holds of one tenant are decided in order
 * against its locked balance, so concurrent batches can never overdraw it.
 */
export async function holdCreditsForMessages(
  client: PoolClient,
  holds: CreditHold[],
  now: number,
): Promise<Map<string, HoldOutcome>> {
  const outcomes = new Map<string, HoldOutcome>();
  if (holds.length === 0) return outcomes;
  const states = await lockAccounts(
    client,
    holds.map((h) => h.tenantId),
  );
  await loadHolds(client, states, holds);
  const appended: Appended[] = [];
  for (const hold of holds) {
    const state = states.get(hold.tenantId) ?? emptyLedger(hold.tenantId);
    const decision = holdCredits(state, {
      entryId: randomUUID(),
      messageId: hold.messageId,
      amount: hold.amount,
      now,
    });
    if (decision.ok) {
      apply(states, state, decision.value, hold.channel, appended);
      outcomes.set(hold.messageId, { ok: true });
    } else if (decision.error.code === 'insufficient_credits') {
      outcomes.set(hold.messageId, {
        ok: false,
        code: 'insufficient_credits',
        available: availableCredits(state),
      });
    } else invalidAmount(decision.error);
  }
  await appendEntries(client, appended);
  await saveAccounts(client, states, appended);
  return outcomes;
}

function settle(
  state: LedgerState,
  settlement: CreditSettlement,
  now: number,
): Result<LedgerEntry[], LedgerError> {
  const command = { entryId: randomUUID(), messageId: settlement.messageId, now };
  switch (settlement.action) {
    case 'capture':
      return captureCredits(state, command);
    case 'release':
      return releaseCredits(state, { ...command, reason: settlement.reason ?? 'released' });
    default: {
      const unexpected: never = settlement.action;
      throw new Error(`unknown settlement action ${String(unexpected)}`);
    }
  }
}

/** A capture or release a settlement appended: its amount and the message's channel. */
export interface SettledCredits {
  kind: 'credits_captured' | 'credits_released';
  amount: number;
  channel: string | null;
}

/**
 * Captures or releases message holds, in the caller's transaction. Idempotent: a message whose hold
 * is settled already, or that has none, is left alone. Returns the entries appended (none for a
 * replay), which the caller counts once its transaction commits.
 */
export async function settleCredits(
  client: PoolClient,
  settlements: CreditSettlement[],
  now: number,
): Promise<SettledCredits[]> {
  if (settlements.length === 0) return [];
  const states = await lockAccounts(
    client,
    settlements.map((s) => s.tenantId),
  );
  const channels = await loadHolds(client, states, settlements);
  const appended: Appended[] = [];
  for (const settlement of settlements) {
    const state = states.get(settlement.tenantId) ?? emptyLedger(settlement.tenantId);
    const decision = settle(state, settlement, now);
    if (!decision.ok) invalidAmount(decision.error);
    apply(states, state, decision.value, channels.get(settlement.messageId) ?? null, appended);
  }
  await appendEntries(client, appended);
  await saveAccounts(client, states, appended);
  return appended.flatMap(({ entry, channel }) =>
    entry.kind === 'credits_captured' || entry.kind === 'credits_released'
      ? [{ kind: entry.kind, amount: entry.amount, channel }]
      : [],
  );
}

/** Adds credits to a tenant in its own transaction; answers the entry and the new balance. */
export async function addCreditsEntry(
  pool: Pool,
  tenantId: string,
  credit: { amount: number; reference: string | null; now: number },
): Promise<
  | { ok: true; entry: StoredLedgerEntry; balance: CreditBalance }
  | { ok: false; code: 'invalid_amount'; message: string }
> {
  return inTransaction(pool, async (client) => {
    const states = await lockAccounts(client, [tenantId]);
    const state = states.get(tenantId) ?? emptyLedger(tenantId);
    const decision = addCredits(state, { entryId: randomUUID(), ...credit });
    if (!decision.ok) return { ok: false, code: 'invalid_amount', message: decision.error.message };
    const appended: Appended[] = [];
    apply(states, state, decision.value, null, appended);
    await appendEntries(client, appended);
    await saveAccounts(client, states, appended);
    const [added] = appended;
    if (!added) throw new Error('addCredits decided no entry');
    return {
      ok: true,
      entry: toStored(added.entry, null),
      balance: toBalance(states.get(tenantId) ?? state),
    };
  });
}

function toStored(entry: LedgerEntry, channel: string | null): StoredLedgerEntry {
  return {
    entryId: entry.entryId,
    tenantId: entry.tenantId,
    kind: entry.kind,
    messageId: entry.kind === 'credits_added' ? null : entry.messageId,
    amount: entry.amount,
    reference: entry.kind === 'credits_added' ? entry.reference : null,
    reason: entry.kind === 'credits_released' ? entry.reason : null,
    channel,
    occurredAt: entry.occurredAt,
  };
}

/** A tenant's credits; a tenant without an account has none. */
export async function readBalance(pool: Pool, tenantId: string): Promise<CreditBalance> {
  return (await readBalances(pool, [tenantId]))[0] ?? toBalance(emptyLedger(tenantId));
}

/** `readBalance` of many tenants in one statement; answers are in the order of `tenantIds`. */
export async function readBalances(pool: Pool, tenantIds: readonly string[]): Promise<CreditBalance[]> {
  if (tenantIds.length === 0) return [];
  const { rows } = await pool.query<{ tenant_id: string; balance: string; held: string }>(
    'SELECT tenant_id, balance, held FROM credit_accounts WHERE tenant_id = ANY($1::text[])',
    [tenantIds],
  );
  const byTenant = new Map(rows.map((row) => [row.tenant_id, row]));
  return tenantIds.map((tenantId) => {
    const row = byTenant.get(tenantId);
    const state = emptyLedger(tenantId);
    return toBalance(row ? { ...state, balance: Number(row.balance), held: Number(row.held) } : state);
  });
}

/**
 * Micro-credits held right now across every tenant: messages routed and not yet captured or
 * released. One row per tenant is summed, so this stays cheap however long the ledger grows.
 */
export async function totalHeldCredits(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ held: string }>(
    'SELECT COALESCE(SUM(held), 0)::bigint AS held FROM credit_accounts',
  );
  return Number(rows[0]?.held ?? 0);
}

/** A tenant's most recent ledger entries, newest first. */
export async function listLedgerEntries(
  pool: Pool,
  tenantId: string,
  limit: number,
): Promise<StoredLedgerEntry[]> {
  const { rows } = await pool.query<{
    entry_id: string;
    tenant_id: string;
    kind: LedgerEntry['kind'];
    message_id: string | null;
    amount: string;
    reference: string | null;
    reason: string | null;
    channel: string | null;
    occurred_at: Date;
  }>(
    `SELECT entry_id, tenant_id, kind, message_id, amount, reference, reason, channel, occurred_at
       FROM ledger_entries WHERE tenant_id = $1 ORDER BY position DESC LIMIT $2`,
    [tenantId, limit],
  );
  return rows.map((row) => ({
    entryId: row.entry_id,
    tenantId: row.tenant_id,
    kind: row.kind,
    messageId: row.message_id,
    amount: Number(row.amount),
    reference: row.reference,
    reason: row.reason,
    channel: row.channel,
    occurredAt: row.occurred_at.getTime(),
  }));
}
