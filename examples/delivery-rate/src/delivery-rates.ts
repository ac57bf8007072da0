/** The outcome events this job counts, by their Avro record name. */
export const COUNTED = {
  'dev.herald.message.MessageSent': 'sent',
  'dev.herald.message.MessageDelivered': 'delivered',
  'dev.herald.message.MessageUndelivered': 'undelivered',
  'dev.herald.message.MessageFailed': 'failed',
} as const;

export type Outcome = (typeof COUNTED)[keyof typeof COUNTED];

/** What the job needs from one decoded event (fields present in every version of these schemas). */
export interface OutcomeEvent {
  outcome: Outcome;
  eventId: string;
  providerId: string | null;
  occurredAt: number;
}

/** One provider's figures for one minute. */
export interface MinuteFigures {
  providerId: string;
  /** Start of the minute, epoch ms (UTC). */
  minute: number;
  sent: number;
  delivered: number;
  undelivered: number;
  failed: number;
  /**
   * delivered / (delivered + undelivered + failed): of the messages whose fate the provider
   * reported this minute, the share that reached the recipient. Null when none was reported.
   */
  deliveryRate: number | null;
}

const MINUTE_MS = 60_000;

/**
 * Figures per provider per minute of `occurred_at`. Events repeat on at-least-once paths (a
 * callback produced twice), so each event id counts once; events without a provider (refused
 * before any provider call) are not about a provider and are left out.
 */
export class DeliveryRates {
  private readonly seen = new Set<string>();
  private readonly figures = new Map<string, Omit<MinuteFigures, 'deliveryRate'>>();

  /** Counts one event; returns the key of the minute it changed, or undefined if it changed none. */
  add(event: OutcomeEvent): string | undefined {
    if (event.providerId === null || this.seen.has(event.eventId)) return undefined;
    this.seen.add(event.eventId);
    const minute = Math.floor(event.occurredAt / MINUTE_MS) * MINUTE_MS;
    const key = `${minute}\u0000${event.providerId}`;
    const row = this.figures.get(key) ?? {
      providerId: event.providerId,
      minute,
      sent: 0,
      delivered: 0,
      undelivered: 0,
      failed: 0,
    };
    row[event.outcome] += 1;
    this.figures.set(key, row);
    return key;
  }

  /** The figures, oldest minute first, then by provider; only `keys` when given. */
  rows(keys?: ReadonlySet<string>): MinuteFigures[] {
    return [...this.figures.entries()]
      .filter(([key]) => keys === undefined || keys.has(key))
      .map(([, row]) => {
        const reported = row.delivered + row.undelivered + row.failed;
        return { ...row, deliveryRate: reported === 0 ? null : row.delivered / reported };
      })
      .sort((a, b) => a.minute - b.minute || a.providerId.localeCompare(b.providerId));
  }
}
