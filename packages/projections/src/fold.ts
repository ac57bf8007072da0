import { evolve } from '@herald/domain';
import type { MessageEvent, MessageState } from '@herald/domain';
import type { HeraldEvent } from '@herald/contracts';
import type { StoredMessage } from '@herald/store';

/** How one batch moved one message: its state before the batch (null if new) and after it. */
export interface MessageChange {
  before: MessageState | null;
  after: StoredMessage;
}

/** What a batch of new events does: the events themselves, in order, and each message's change. */
export interface ProjectionBatch {
  events: readonly HeraldEvent[];
  changes: readonly MessageChange[];
}

/**
 * Folds `events` (new ones only, in the order they are applied) into the current states of their
 * messages. `version` counts the events applied to a message, whatever their order.
 */
export function foldEvents(
  current: ReadonlyMap<string, StoredMessage>,
  events: readonly HeraldEvent[],
): ProjectionBatch {
  const changes = new Map<string, MessageChange>();
  for (const event of events) {
    const known = changes.get(event.messageId);
    const previous = known ? known.after : current.get(event.messageId);
    const after: StoredMessage = {
      state: evolve(previous?.state ?? null, event as MessageEvent),
      version: (previous?.version ?? 0) + 1,
    };
    changes.set(event.messageId, { before: known ? known.before : (previous?.state ?? null), after });
  }
  return { events, changes: [...changes.values()] };
}
