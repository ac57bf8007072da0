import { assertNever } from '../exhaustive.js';
import type { StatusUpdate } from '../transport.js';
import type { SmppLogger } from './options.js';

/** A status update stamped with its arrival order, so buffered updates flush in the order they came. */
interface Arrival {
  sequence: number;
  update: StatusUpdate;
}

/** One message's parts: updates wait in `buffered` until its send() has resolved. */
interface MessageEntry {
  providerMessageId: string;
  phase: 'sending' | 'flushing' | 'sent' | 'failed';
  buffered: Arrival[];
}

interface Orphan {
  arrivals: Arrival[];
  timer: NodeJS.Timeout;
}

/** A receipt as the router sees it: the part's id and the update it becomes. */
export interface ReceiptForPart {
  partMessageId: string;
  update: Omit<StatusUpdate, 'providerMessageId'>;
}

/** Tracks one send(): the ids of its accepted parts, then how it ended. */
export interface SendTracker {
  partAccepted(partMessageId: string): void;
  /** Call as send() resolves ok: buffered updates reach listeners right after, in arrival order. */
  succeeded(): void;
  /** Receipts for parts of a failed send are dropped: the message is reported failed already. */
  failed(): void;
}

/**
 * Attributes receipts of any part to the message's providerMessageId (the first part's id) and
 * holds back whatever arrives before send() has resolved, so a listener never hears of an id the
 * caller has not yet been given.
 */
export class ReceiptRouter {
  readonly #parts = new Map<string, MessageEntry>();
  readonly #orphans = new Map<string, Orphan>();
  readonly #listeners: ((update: StatusUpdate) => void)[] = [];
  readonly #capacity: number;
  readonly #orphanHoldMs: number;
  readonly #logger: SmppLogger;
  #sequence = 0;

  constructor(options: { capacity: number; orphanHoldMs: number; logger: SmppLogger }) {
    this.#capacity = options.capacity;
    this.#orphanHoldMs = options.orphanHoldMs;
    this.#logger = options.logger;
  }

  addListener(listener: (update: StatusUpdate) => void): void {
    this.#listeners.push(listener);
  }

  begin(): SendTracker {
    let entry: MessageEntry | null = null;
    return {
      partAccepted: (partMessageId) => {
        entry ??= { providerMessageId: partMessageId, phase: 'sending', buffered: [] };
        this.#remember(partMessageId, entry);
      },
      succeeded: () => {
        if (entry !== null) this.#flushSoon(entry);
      },
      failed: () => {
        if (entry === null) return;
        entry.phase = 'failed';
        entry.buffered = [];
      },
    };
  }

  /** Routes one receipt: now, after its send() resolves, after the orphan hold, or nowhere. */
  receive(receipt: ReceiptForPart): void {
    this.#sequence += 1;
    const entry = this.#parts.get(receipt.partMessageId);
    if (entry === undefined) return this.#holdOrphan(receipt, this.#sequence);
    const arrival = {
      sequence: this.#sequence,
      update: { ...receipt.update, providerMessageId: entry.providerMessageId },
    };
    switch (entry.phase) {
      case 'sending':
      case 'flushing':
        entry.buffered.push(arrival);
        return;
      case 'sent':
        this.#emit(arrival.update);
        return;
      case 'failed':
        return;
      default:
        return assertNever(entry.phase);
    }
  }

  /** Forgets pending orphan timers; nothing is emitted after close. */
  close(): void {
    for (const orphan of this.#orphans.values()) clearTimeout(orphan.timer);
    this.#orphans.clear();
    this.#listeners.length = 0;
  }

  #remember(partMessageId: string, entry: MessageEntry): void {
    this.#parts.set(partMessageId, entry);
    // A Map iterates in insertion order: beyond capacity, forget the oldest part first.
    if (this.#parts.size > this.#capacity) {
      const oldest = this.#parts.keys().next();
      if (oldest.done !== true) this.#parts.delete(oldest.value);
    }
    const orphan = this.#orphans.get(partMessageId);
    if (orphan === undefined) return;
    clearTimeout(orphan.timer);
    this.#orphans.delete(partMessageId);
    for (const arrival of orphan.arrivals) {
      entry.buffered.push({
        ...arrival,
        update: { ...arrival.update, providerMessageId: entry.providerMessageId },
      });
    }
  }

  #flushSoon(entry: MessageEntry): void {
    entry.phase = 'flushing';
    // setImmediate runs after the microtasks that resume the caller awaiting send(), so the caller
    // has its providerMessageId before any listener hears of it.
    setImmediate(() => {
      if (entry.phase !== 'flushing') return;
      const arrivals = entry.buffered.sort((a, b) => a.sequence - b.sequence);
      entry.buffered = [];
      entry.phase = 'sent';
      for (const arrival of arrivals) this.#emit(arrival.update);
    });
  }

  /**
   * A receipt for an id no send() has reported yet: its submit_sm_resp may still be on the way, so
   * it waits; after the hold it goes out under its own id (right for a single-part message sent by
   * an earlier session or process).
   */
  #holdOrphan(receipt: ReceiptForPart, sequence: number): void {
    const update = { ...receipt.update, providerMessageId: receipt.partMessageId };
    const existing = this.#orphans.get(receipt.partMessageId);
    if (existing !== undefined) {
      existing.arrivals.push({ sequence, update });
      return;
    }
    const timer = setTimeout(() => {
      const orphan = this.#orphans.get(receipt.partMessageId);
      this.#orphans.delete(receipt.partMessageId);
      for (const arrival of orphan?.arrivals ?? []) this.#emit(arrival.update);
    }, this.#orphanHoldMs);
    timer.unref();
    this.#orphans.set(receipt.partMessageId, { arrivals: [{ sequence, update }], timer });
  }

  #emit(update: StatusUpdate): void {
    for (const listener of this.#listeners) {
      try {
        listener(update);
      } catch (error) {
        // One listener's bug must not stop the others, nor the SMPP session that called us.
        this.#logger.warn(
          { error: String(error), providerMessageId: update.providerMessageId },
          'status listener threw',
        );
      }
    }
  }
}
