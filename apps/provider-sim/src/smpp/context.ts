import type { SmppSession } from '@herald/transports';
import type { SimLogger } from '../logger.js';
import type { SimulatorOptions } from '../options.js';
import type { Random } from '../random.js';
import type { Scheduler } from '../scheduler.js';
import type { SmppAccount } from './account.js';
import type { Reassembly } from './reassembly.js';
import type { SmppStats } from './stats.js';

/** How a session bound: a transmitter submits, a receiver gets receipts, a transceiver does both. */
export type BindMode = 'transmitter' | 'receiver' | 'transceiver';

/** Bound sessions, so a receipt can reach its system_id when the submitting session has gone. */
export class BoundSessions {
  readonly #sessions = new Map<SmppSession, { systemId: string; mode: BindMode }>();

  add(session: SmppSession, systemId: string, mode: BindMode): void {
    this.#sessions.set(session, { systemId, mode });
  }

  /** True when the session was bound. */
  remove(session: SmppSession): boolean {
    return this.#sessions.delete(session);
  }

  get(session: SmppSession): { systemId: string; mode: BindMode } | undefined {
    return this.#sessions.get(session);
  }

  /** The submitting session when it still takes receipts, otherwise any receiver of the same system_id. */
  receiverFor(systemId: string, preferred: SmppSession): SmppSession | null {
    const bound = this.#sessions.get(preferred);
    if (bound !== undefined && bound.mode !== 'transmitter') return preferred;
    for (const [session, entry] of this.#sessions) {
      if (entry.systemId === systemId && entry.mode !== 'transmitter') return session;
    }
    return null;
  }

  all(): SmppSession[] {
    return [...this.#sessions.keys()];
  }
}

/** A whole message as the simulated SMSC reassembled it. */
export interface ReceivedSmppMessage {
  from: string;
  to: string;
  text: string;
  parts: number;
}

/** The most recent complete messages, for tests and debugging; bounded. */
export class ReceivedMessages {
  readonly #messages: ReceivedSmppMessage[] = [];
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  record(message: ReceivedSmppMessage): void {
    this.#messages.push(message);
    if (this.#messages.length > this.#capacity) this.#messages.shift();
  }

  list(): ReceivedSmppMessage[] {
    return [...this.#messages];
  }
}

/** Everything the SMPP side shares across sessions. */
export interface SmppContext {
  account: SmppAccount;
  options: SimulatorOptions;
  outcomes: Random;
  jitter: Random;
  scheduler: Scheduler;
  stats: SmppStats;
  logger: SimLogger;
  sessions: BoundSessions;
  reassembly: Reassembly;
  received: ReceivedMessages;
  isClosing: () => boolean;
}
