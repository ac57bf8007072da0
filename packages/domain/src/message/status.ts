/** Every status a message can be in, in rank order: a message only ever moves to a later entry. */
export const MESSAGE_STATUSES = [
  'queued',
  'scheduled',
  'sending',
  'sent',
  'delivered',
  'read',
  'undelivered',
  'failed',
  'cancelled',
  'expired',
] as const;

/** Where a message is in its lifecycle. */
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** What each status means to a client, for the README and the OpenAPI document. */
export const STATUS_DESCRIPTIONS: Readonly<Record<MessageStatus, string>> = {
  queued: 'Accepted by Herald and waiting to be routed to a provider.',
  scheduled: 'Held by Herald until its send_at time.',
  sending: 'Routed to a provider; the provider call is in progress or queued in the sender.',
  sent: 'The provider accepted the message for delivery.',
  delivered: 'The recipient’s handset or account confirmed delivery.',
  read: 'The recipient read the message (WhatsApp and Telegram read receipts).',
  undelivered:
    'The provider accepted the message but the carrier or recipient could not be reached. Terminal.',
  failed: 'Herald or the provider refused the message. Terminal.',
  cancelled: 'Cancelled by the client before it was routed. Terminal.',
  expired: 'Its validity period ran out before it could be sent. Terminal.',
};

// The rules as stated, one step at a time. canTransition uses their transitive closure,
// because providers report late and out of order: a `delivered` may be the first news we get
// of a message that was `sending`, and the `sent` that arrives after it is history, not a step.
const NEXT_STEPS: Readonly<Record<MessageStatus, readonly MessageStatus[]>> = {
  queued: ['scheduled', 'sending', 'failed', 'cancelled', 'expired'],
  scheduled: ['sending', 'failed', 'cancelled', 'expired'],
  // A message whose validity runs out while it waits in a dispatch lane or a retry topic expires.
  sending: ['sent', 'undelivered', 'failed', 'expired'],
  sent: ['delivered', 'undelivered', 'failed'],
  delivered: ['read'],
  read: [],
  undelivered: [],
  failed: [],
  cancelled: [],
  expired: [],
};

function reachableFrom(status: MessageStatus): ReadonlySet<MessageStatus> {
  const reached = new Set<MessageStatus>();
  const pending = [...NEXT_STEPS[status]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (reached.has(next)) continue;
    reached.add(next);
    pending.push(...NEXT_STEPS[next]);
  }
  return reached;
}

const REACHABLE = new Map(MESSAGE_STATUSES.map((status) => [status, reachableFrom(status)]));

const RANK = new Map(MESSAGE_STATUSES.map((status, index) => [status, index]));

/** Position in the lifecycle; every allowed transition goes to a strictly higher rank. */
export function statusRank(status: MessageStatus): number {
  return RANK.get(status) ?? -1;
}

/** True when `to` may follow `from`, directly or with the statuses in between reported late. */
export function canTransition(from: MessageStatus, to: MessageStatus): boolean {
  return REACHABLE.get(from)?.has(to) ?? false;
}

/** True when the outcome is final; only `delivered` may still move on (to `read`). */
export function isTerminal(status: MessageStatus): boolean {
  switch (status) {
    case 'queued':
    case 'scheduled':
    case 'sending':
    case 'sent':
      return false;
    case 'delivered':
    case 'read':
    case 'undelivered':
    case 'failed':
    case 'cancelled':
    case 'expired':
      return true;
    default: {
      const _exhaustive: never = status;
      return _exhaustive;
    }
  }
}
