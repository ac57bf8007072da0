import type { FinalStatus } from '../stats.js';
import type { AcceptedPart } from './receipt.js';
import type { SubmittedPart } from './submitted-part.js';

/** The parts of one concatenated message seen so far, and the outcome drawn for it. */
export interface MessageGroup {
  total: number;
  parts: Map<number, AcceptedPart>;
  finalStatus: FinalStatus;
}

/**
 * Concatenated messages being reassembled, keyed as a handset would key them: originator,
 * recipient, reference and part count. Bounded, so abandoned messages cannot exhaust memory.
 */
export class Reassembly {
  readonly #groups = new Map<string, MessageGroup>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The group this part belongs to, if an earlier part opened it. */
  find(systemId: string, part: SubmittedPart): MessageGroup | undefined {
    return this.#groups.get(groupKey(systemId, part));
  }

  open(systemId: string, part: SubmittedPart, total: number, finalStatus: FinalStatus): MessageGroup {
    const group: MessageGroup = { total, parts: new Map(), finalStatus };
    this.#groups.set(groupKey(systemId, part), group);
    if (this.#groups.size > this.#capacity) {
      const oldest = this.#groups.keys().next();
      if (oldest.done !== true) this.#groups.delete(oldest.value);
    }
    return group;
  }

  /** Adds a part; true when it completed the message, which is then forgotten. */
  add(systemId: string, group: MessageGroup, sequence: number, accepted: AcceptedPart): boolean {
    group.parts.set(sequence, accepted);
    if (group.parts.size < group.total) return false;
    this.#groups.delete(groupKey(systemId, accepted.part));
    return true;
  }
}

function groupKey(systemId: string, part: SubmittedPart): string {
  const concatenation = part.concatenation;
  const reference = concatenation === null ? '' : `${concatenation.reference}/${concatenation.total}`;
  return [systemId, part.sourceAddr, part.destinationAddr, reference].join('\u0000');
}
