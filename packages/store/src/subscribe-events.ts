import type { Pool } from './pool.js';
import type { StoredEvent } from './read-events.js';
import { readAllFrom } from './read-events.js';

/** The channel the projector notifies after appending events. */
export const EVENTS_CHANNEL = 'herald_events';

/** A running subscription; `stop` waits for the handler call in progress. */
export interface EventSubscription {
  /** The last position handed to the handler. */
  readonly position: string;
  stop(): Promise<void>;
}

/**
 * Hands every event after `from` to `handle`, in position order and in pages, then every event
 * appended later: woken by the projector's NOTIFY, and polling every `pollMs` as well (a missed
 * notification only delays). The handler's failure stops the subscription and is passed to `onError`.
 */
export async function subscribeToEvents(
  pool: Pool,
  options: {
    from: string;
    handle: (events: StoredEvent[]) => Promise<void>;
    onError: (error: unknown) => void;
    pageSize?: number;
    pollMs?: number;
  },
): Promise<EventSubscription> {
  const listener = await pool.connect();
  await listener.query(`LISTEN ${EVENTS_CHANNEL}`);
  let position = options.from;
  let stopped = false;
  let wake: (() => void) | null = null;
  const onNotification = () => wake?.();
  listener.on('notification', onNotification);
  const loop = (async () => {
    while (!stopped) {
      const events = await readAllFrom(pool, position, options.pageSize ?? 1000);
      const last = events[events.length - 1];
      if (last) {
        await options.handle(events);
        position = last.position;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs ?? 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  })().catch((error: unknown) => {
    stopped = true;
    options.onError(error);
  });
  return {
    get position() {
      return position;
    },
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      listener.off('notification', onNotification);
      await listener.query(`UNLISTEN ${EVENTS_CHANNEL}`).catch(() => undefined);
      listener.release();
    },
  };
}
