import { fail, ok } from '../result.js';
import type { DomainError, Result } from '../result.js';

// A prepaid ledger per tenant, event-sourced: the entries are the facts, the state is their fold.
// Amounts are integer micro-credits (see MICROS_PER_CREDIT). A message's price is held when it is
// routed, captured when it is sent and released when it can no longer be.

interface LedgerEntryBase {
  /** Unique id of the entry; the store deduplicates on it. */
  readonly entryId: string;
  readonly tenantId: string;
  /** Micro-credits. */
  readonly amount: number;
  /** Epoch milliseconds. */
  readonly occurredAt: number;
}

/** Credits were added to the tenant's balance (a top-up). */
export interface CreditsAdded extends LedgerEntryBase {
  readonly kind: 'credits_added';
  /** The payment or grant it came from. */
  readonly reference: string | null;
}

/** A message's price was set aside from the available credits. */
export interface CreditsHeld extends LedgerEntryBase {
  readonly kind: 'credits_held';
  readonly messageId: string;
}

/** A held amount was spent: the message went out. */
export interface CreditsCaptured extends LedgerEntryBase {
  readonly kind: 'credits_captured';
  readonly messageId: string;
}

/** A held amount went back to the available credits: the message was never sent. */
export interface CreditsReleased extends LedgerEntryBase {
  readonly kind: 'credits_released';
  readonly messageId: string;
  readonly reason: string;
}

/** Every fact about a tenant's credits. */
export type LedgerEntry = CreditsAdded | CreditsHeld | CreditsCaptured | CreditsReleased;

/** Where a message's hold stands. */
export type HoldStatus = 'held' | 'captured' | 'released';

/** One message's hold. */
export interface Hold {
  readonly amount: number;
  readonly status: HoldStatus;
}

/**
 * A tenant's credits. `balance` is credited − captured; `held` the sum of open holds, so what can
 * be spent is balance − held. `holds` may hold only the messages at hand: the store loads the holds
 * of the messages a command or entry names, never all of them.
 */
export interface LedgerState {
  readonly tenantId: string;
  readonly balance: number;
  readonly held: number;
  readonly holds: Readonly<Record<string, Hold>>;
}

/** Expected refusals of a ledger command. */
export type LedgerError = DomainError<'insufficient_credits' | 'invalid_amount'>;

/** A tenant with no credits. */
export function emptyLedger(tenantId: string): LedgerState {
  return { tenantId, balance: 0, held: 0, holds: {} };
}

/** Credits that can be held now: balance less what is held. */
export function availableCredits(state: LedgerState): number {
  return state.balance - state.held;
}

const withHold = (state: LedgerState, messageId: string, hold: Hold): LedgerState['holds'] => ({
  ...state.holds,
  [messageId]: hold,
});

/**
 * Folds one entry into a tenant's credits. A hold that is already known, or a settlement of a hold
 * already settled, changes nothing, so applying an entry twice is harmless as long as the holds of
 * the message it names are loaded. A settlement whose hold is not loaded is taken as settling an
 * open hold of the entry's amount (decisions only settle open holds).
 */
export function evolveLedger(state: LedgerState, entry: LedgerEntry): LedgerState {
  switch (entry.kind) {
    case 'credits_added':
      return { ...state, balance: state.balance + entry.amount };
    case 'credits_held':
      if (state.holds[entry.messageId] !== undefined) return state;
      return {
        ...state,
        held: state.held + entry.amount,
        holds: withHold(state, entry.messageId, { amount: entry.amount, status: 'held' }),
      };
    case 'credits_captured':
    case 'credits_released': {
      const known = state.holds[entry.messageId];
      if (known !== undefined && known.status !== 'held') return state;
      const captured = entry.kind === 'credits_captured';
      return {
        ...state,
        balance: captured ? state.balance - entry.amount : state.balance,
        held: state.held - entry.amount,
        holds: withHold(state, entry.messageId, {
          amount: entry.amount,
          status: captured ? 'captured' : 'released',
        }),
      };
    }
    default: {
      const _exhaustive: never = entry;
      return _exhaustive;
    }
  }
}

const isAmount = (amount: number) => Number.isSafeInteger(amount) && amount >= 0;

/** Add credits to a tenant (a top-up). */
export interface AddCredits {
  readonly entryId: string;
  /** Micro-credits; positive. */
  readonly amount: number;
  readonly reference: string | null;
  /** Epoch milliseconds. */
  readonly now: number;
}

/** Set a message's price aside. */
export interface HoldCredits {
  readonly entryId: string;
  readonly messageId: string;
  /** Micro-credits; zero for a free channel. */
  readonly amount: number;
  /** Epoch milliseconds. */
  readonly now: number;
}

/** Spend a message's hold. */
export interface CaptureCredits {
  readonly entryId: string;
  readonly messageId: string;
  /** Epoch milliseconds. */
  readonly now: number;
}

/** Give a message's hold back. */
export interface ReleaseCredits {
  readonly entryId: string;
  readonly messageId: string;
  readonly reason: string;
  /** Epoch milliseconds. */
  readonly now: number;
}

/** Adds credits to a tenant; the amount must be a positive integer. */
export function addCredits(state: LedgerState, command: AddCredits): Result<LedgerEntry[], LedgerError> {
  if (!isAmount(command.amount) || command.amount === 0)
    return fail(
      'invalid_amount',
      `credits to add must be a positive integer of micro-credits, got ${command.amount}`,
    );
  return ok([
    {
      kind: 'credits_added',
      entryId: command.entryId,
      tenantId: state.tenantId,
      amount: command.amount,
      reference: command.reference,
      occurredAt: command.now,
    },
  ]);
}

/**
 * Holds a message's price. Once per message: a message that has a hold, open or settled, gets
 * nothing more. A zero hold (a free channel) is recorded so the message's billing is on file.
 */
export function holdCredits(state: LedgerState, command: HoldCredits): Result<LedgerEntry[], LedgerError> {
  if (!isAmount(command.amount))
    return fail(
      'invalid_amount',
      `a hold must be a non-negative integer of micro-credits, got ${command.amount}`,
    );
  if (state.holds[command.messageId] !== undefined) return ok([]);
  const available = availableCredits(state);
  if (command.amount > available)
    return fail(
      'insufficient_credits',
      `message costs ${command.amount} micro-credits; ${available} are available`,
    );
  return ok([
    {
      kind: 'credits_held',
      entryId: command.entryId,
      tenantId: state.tenantId,
      messageId: command.messageId,
      amount: command.amount,
      occurredAt: command.now,
    },
  ]);
}

/** Spends a message's open hold; nothing when it has none or it is settled already. */
export function captureCredits(
  state: LedgerState,
  command: CaptureCredits,
): Result<LedgerEntry[], LedgerError> {
  const hold = state.holds[command.messageId];
  if (hold?.status !== 'held') return ok([]);
  return ok([
    {
      kind: 'credits_captured',
      entryId: command.entryId,
      tenantId: state.tenantId,
      messageId: command.messageId,
      amount: hold.amount,
      occurredAt: command.now,
    },
  ]);
}

/** Gives a message's open hold back; nothing when it has none or it is settled already. */
export function releaseCredits(
  state: LedgerState,
  command: ReleaseCredits,
): Result<LedgerEntry[], LedgerError> {
  const hold = state.holds[command.messageId];
  if (hold?.status !== 'held') return ok([]);
  return ok([
    {
      kind: 'credits_released',
      entryId: command.entryId,
      tenantId: state.tenantId,
      messageId: command.messageId,
      amount: hold.amount,
      reason: command.reason,
      occurredAt: command.now,
    },
  ]);
}
