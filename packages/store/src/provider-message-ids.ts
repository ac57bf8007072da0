import type { Pool, PoolClient } from './pool.js';
import { inTransaction } from './pool.js';

type Queryable = Pool | PoolClient;

/** The message a provider's id names, as the messages read model knows it. */
export interface ProviderMessageRef {
  messageId: string;
  tenantId: string;
  /** The recipient as Herald addresses it: the Kafka key of the message's events. */
  to: string;
  providerId: string;
  providerMessageId: string;
  /**
   * The W3C traceparent its MessageSent was recorded with (null without tracing, or for an event
   * stored before trace context was kept), so events about the send continue the send's trace.
   */
  traceparent: string | null;
}

/** The event types a provider callback can become. */
export type CallbackEventType = 'MessageDelivered' | 'MessageRead' | 'MessageUndelivered' | 'MessageFailed';

/** A provider callback, already decided into the event it becomes once its message is known. */
export interface ProviderCallback {
  /** Derived from the provider's id and status, so a repeated callback has the same id. */
  eventId: string;
  eventType: CallbackEventType;
  providerId: string;
  providerMessageId: string;
  /** The provider's own status string, verbatim. */
  providerStatus: string;
  errorCode: string | null;
  errorMessage: string | null;
  occurredAt: number;
}

/** A callback whose message is known, ready to become an event. */
export interface MatchedCallback {
  callback: ProviderCallback;
  message: ProviderMessageRef;
}

interface RefRow {
  id: string;
  tenant_id: string;
  recipient: string;
  provider_id: string;
  provider_message_id: string;
  traceparent: string | null;
}

interface PendingRow {
  event_id: string;
  event_type: CallbackEventType;
  provider_id: string;
  provider_message_id: string;
  provider_status: string;
  error_code: string | null;
  error_message: string | null;
  occurred_at: Date;
}

const toRef = (row: RefRow): ProviderMessageRef => ({
  messageId: row.id,
  tenantId: row.tenant_id,
  to: row.recipient,
  providerId: row.provider_id,
  providerMessageId: row.provider_message_id,
  traceparent: row.traceparent,
});

const toCallback = (row: PendingRow): ProviderCallback => ({
  eventId: row.event_id,
  eventType: row.event_type,
  providerId: row.provider_id,
  providerMessageId: row.provider_message_id,
  providerStatus: row.provider_status,
  errorCode: row.error_code,
  errorMessage: row.error_message,
  occurredAt: row.occurred_at.getTime(),
});

/** The message a provider reported on, by the provider instance and its id; null while unknown. */
export async function findMessageByProviderMessageId(
  db: Queryable,
  providerId: string,
  providerMessageId: string,
): Promise<ProviderMessageRef | null> {
  const found = await findMessagesByProviderMessageIds(db, [{ providerId, providerMessageId }]);
  return found.get(keyOf(providerId, providerMessageId)) ?? null;
}

/**
 * Turns callbacks into matches where the message is known, and parks the rest until the projector
 * records their send (takePendingCallbacks). Lookup and parking happen under per-id advisory locks
 * that takePendingCallbacks also takes, so a callback can never slip between "not known yet" here
 * and "nothing parked" there. A callback parked twice (the provider retried) is kept once.
 */
export function matchOrParkCallbacks(
  pool: Pool,
  callbacks: readonly ProviderCallback[],
): Promise<{ matched: MatchedCallback[]; parked: ProviderCallback[] }> {
  if (callbacks.length === 0) return Promise.resolve({ matched: [], parked: [] });
  return inTransaction(pool, async (client) => {
    await lockProviderMessageIds(client, callbacks);
    const known = await findMessagesByProviderMessageIds(client, callbacks);
    const matched: MatchedCallback[] = [];
    const parked: ProviderCallback[] = [];
    for (const callback of callbacks) {
      const message = known.get(keyOf(callback.providerId, callback.providerMessageId));
      if (message) matched.push({ callback, message });
      else parked.push(callback);
    }
    await parkCallbacks(client, parked);
    return { matched, parked };
  });
}

/**
 * Removes and returns the callbacks parked for these provider message ids. Call it in the
 * transaction that records their sends: its locks make it race-free with matchOrParkCallbacks, and
 * a rolled-back transaction puts the rows back.
 */
export async function takePendingCallbacks(
  client: PoolClient,
  ids: readonly { providerId: string; providerMessageId: string }[],
): Promise<ProviderCallback[]> {
  if (ids.length === 0) return [];
  await lockProviderMessageIds(client, ids);
  const { rows } = await client.query<PendingRow>(
    `DELETE FROM pending_provider_callbacks p
      USING unnest($1::text[], $2::text[]) AS k(provider_id, provider_message_id)
      WHERE p.provider_id = k.provider_id AND p.provider_message_id = k.provider_message_id
      RETURNING p.*`,
    [ids.map((id) => id.providerId), ids.map((id) => id.providerMessageId)],
  );
  // Oldest first, so the events keep the order in which the provider reported them.
  return rows
    .map(toCallback)
    .sort((a, b) => a.occurredAt - b.occurredAt || a.eventId.localeCompare(b.eventId));
}

async function findMessagesByProviderMessageIds(
  db: Queryable,
  ids: readonly { providerId: string; providerMessageId: string }[],
): Promise<Map<string, ProviderMessageRef>> {
  const { rows } = await db.query<RefRow>(
    `SELECT m.id, m.tenant_id, m.recipient, m.provider_id, m.provider_message_id, sent.traceparent
       FROM messages m
       JOIN unnest($1::text[], $2::text[]) AS k(provider_id, provider_message_id)
         ON m.provider_id = k.provider_id AND m.provider_message_id = k.provider_message_id
       LEFT JOIN LATERAL (
         SELECT e.metadata->>'traceparent' AS traceparent
           FROM events e
          WHERE e.stream_id = m.id AND e.type = 'MessageSent'
            AND e.data->>'providerId' = m.provider_id
            AND e.data->>'providerMessageId' = m.provider_message_id
          ORDER BY e.stream_version DESC
          LIMIT 1
       ) AS sent ON true`,
    [ids.map((id) => id.providerId), ids.map((id) => id.providerMessageId)],
  );
  return new Map(rows.map((row) => [keyOf(row.provider_id, row.provider_message_id), toRef(row)]));
}

async function parkCallbacks(client: PoolClient, callbacks: readonly ProviderCallback[]): Promise<void> {
  if (callbacks.length === 0) return;
  const column = <T>(pick: (callback: ProviderCallback) => T) => callbacks.map(pick);
  await client.query(
    `INSERT INTO pending_provider_callbacks
       (event_id, event_type, provider_id, provider_message_id, provider_status, error_code, error_message, occurred_at)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                          $8::timestamptz[])
     ON CONFLICT (event_id) DO NOTHING`,
    [
      column((c) => c.eventId),
      column((c) => c.eventType),
      column((c) => c.providerId),
      column((c) => c.providerMessageId),
      column((c) => c.providerStatus),
      column((c) => c.errorCode),
      column((c) => c.errorMessage),
      column((c) => new Date(c.occurredAt)),
    ],
  );
}

/** Per-id transaction locks, taken in key order so two transactions never deadlock. */
async function lockProviderMessageIds(
  client: PoolClient,
  ids: readonly { providerId: string; providerMessageId: string }[],
): Promise<void> {
  const keys = [...new Set(ids.map((id) => keyOf(id.providerId, id.providerMessageId)))].sort();
  await client.query(
    `SELECT pg_advisory_xact_lock(hashtextextended(k, 4343)) FROM (SELECT unnest($1::text[]) AS k ORDER BY 1) AS keys`,
    [keys],
  );
}

// Provider ids are lowercase letters, digits and dashes, so the colon cannot be part of one.
function keyOf(providerId: string, providerMessageId: string): string {
  return `${providerId}:${providerMessageId}`;
}
