import type { FinalStatus } from '../stats.js';

/** The `smpp` section of GET /sim/stats. Messages count once, however many parts they had. */
export interface SmppStatsSnapshot {
  bindsAccepted: number;
  /** Binds refused, by reason (`bad_credentials`, `shutting_down`). */
  bindsRefused: Record<string, number>;
  sessionsBound: number;
  submitSmReceived: number;
  /** Messages (single texts, or first parts of concatenated ones) answered ESME_ROK. */
  accepted: number;
  /** Refused messages by reason: `injected_0x58`, `injected_0x0b`, `smpp_0x0b` (invalid number), ... */
  rejected: Record<string, number>;
  /** Concatenated messages whose every part arrived. */
  reassembled: number;
  finalStatuses: Record<FinalStatus, number>;
  receipts: { sent: number; acknowledged: number; unanswered: number; undeliverable: number };
  enquireLinks: number;
  /** unbind requests received from ESMEs. */
  unbindsReceived: number;
  /** The most submit_sm one session ever had awaiting their response: the client's window, measured. */
  maxOutstanding: number;
}

/** Counters of the SMPP server side; every increment is named after the event it counts. */
export class SmppStats {
  #bindsAccepted = 0;
  readonly #bindsRefused = new Map<string, number>();
  #sessionsBound = 0;
  #submitSmReceived = 0;
  #accepted = 0;
  readonly #rejected = new Map<string, number>();
  #reassembled = 0;
  readonly #final: Record<FinalStatus, number> = { delivered: 0, undelivered: 0, failed: 0 };
  readonly #receipts = { sent: 0, acknowledged: 0, unanswered: 0, undeliverable: 0 };
  #enquireLinks = 0;
  #unbindsReceived = 0;
  #maxOutstanding = 0;

  bindAccepted(): void {
    this.#bindsAccepted += 1;
    this.#sessionsBound += 1;
  }

  bindRefused(reason: string): void {
    this.#bindsRefused.set(reason, (this.#bindsRefused.get(reason) ?? 0) + 1);
  }

  sessionEnded(): void {
    this.#sessionsBound -= 1;
  }

  /** `outstanding` counts this submit_sm too. */
  submitSmReceived(outstanding: number): void {
    this.#submitSmReceived += 1;
    this.#maxOutstanding = Math.max(this.#maxOutstanding, outstanding);
  }

  messageAccepted(): void {
    this.#accepted += 1;
  }

  messageRejected(reason: string): void {
    this.#rejected.set(reason, (this.#rejected.get(reason) ?? 0) + 1);
  }

  messageReassembled(): void {
    this.#reassembled += 1;
  }

  finalStatusReached(status: FinalStatus): void {
    this.#final[status] += 1;
  }

  receiptSent(): void {
    this.#receipts.sent += 1;
  }

  receiptAcknowledged(): void {
    this.#receipts.acknowledged += 1;
  }

  receiptUnanswered(): void {
    this.#receipts.unanswered += 1;
  }

  receiptUndeliverable(): void {
    this.#receipts.undeliverable += 1;
  }

  enquireLinkAnswered(): void {
    this.#enquireLinks += 1;
  }

  unbindReceived(): void {
    this.#unbindsReceived += 1;
  }

  snapshot(): SmppStatsSnapshot {
    return {
      bindsAccepted: this.#bindsAccepted,
      bindsRefused: Object.fromEntries(this.#bindsRefused),
      sessionsBound: this.#sessionsBound,
      submitSmReceived: this.#submitSmReceived,
      accepted: this.#accepted,
      rejected: Object.fromEntries(this.#rejected),
      reassembled: this.#reassembled,
      finalStatuses: { ...this.#final },
      receipts: { ...this.#receipts },
      enquireLinks: this.#enquireLinks,
      unbindsReceived: this.#unbindsReceived,
      maxOutstanding: this.#maxOutstanding,
    };
  }
}
