import type { MessageState, MessageStatus } from '@herald/domain';
import type { Pool, PoolClient } from './pool.js';

/** A message's state plus how many events its stream holds. */
export interface StoredMessage {
  state: MessageState;
  version: number;
}

/** A row of the messages read model as node-postgres returns it. */
export interface MessageRow {
  id: string;
  tenant_id: string;
  channel: MessageState['channel'];
  recipient: string;
  sender: string | null;
  body: string | null;
  priority: MessageState['priority'];
  client_reference: string | null;
  callback_url: string | null;
  metadata: Record<string, string> | null;
  status: MessageStatus;
  provider_id: string | null;
  provider_message_id: string | null;
  error_code: string | null;
  error_message: string | null;
  attempts: number;
  status_times: Partial<Record<MessageStatus, number>>;
  version: number;
  created_at: Date | null;
  updated_at: Date;
  // Added by migration 004.
  send_at: Date | null;
  expires_at: Date | null;
  parts: number;
  encoding: string | null;
  cost_micros: string | number;
  broadcast_id: string | null;
  cancel_requested_at: Date | null;
}

const time = (value: Date | null) => (value === null ? null : value.getTime());

/** Maps a messages row to the state it stores. */
export function toStored(row: MessageRow): StoredMessage {
  return {
    version: row.version,
    state: {
      id: row.id,
      tenantId: row.tenant_id,
      channel: row.channel,
      to: row.recipient,
      from: row.sender,
      text: row.body,
      priority: row.priority,
      clientReference: row.client_reference,
      callbackUrl: row.callback_url,
      metadata: row.metadata,
      status: row.status,
      providerId: row.provider_id,
      providerMessageId: row.provider_message_id,
      errorCode: row.error_code,
      errorMessage: row.error_message,
      attempts: row.attempts,
      createdAt: time(row.created_at),
      updatedAt: row.updated_at.getTime(),
      statusTimes: row.status_times,
      sendAt: time(row.send_at),
      expiresAt: time(row.expires_at),
      parts: row.parts,
      encoding: row.encoding,
      // bigint comes back as a string (pool.ts); micro-credits of one message fit a double exactly.
      costMicros: Number(row.cost_micros),
      broadcastId: row.broadcast_id,
      cancelRequestedAt: time(row.cancel_requested_at),
    },
  };
}

/**
 * Serialises writers of the given messages for the rest of the transaction (advisory locks taken
 * in id order, so two batches never deadlock) and returns their current states.
 */
export async function lockMessages(client: PoolClient, ids: string[]): Promise<Map<string, StoredMessage>> {
  const sorted = await lockMessageIds(client, ids);
  return loadMessages(client, sorted);
}

// Any constant works; it only has to be the same for every Herald process.
const LANE_LOCK = 726_348_007;

/**
 * Serialises the transactions of one partition lane: every message topic is keyed by the recipient
 * and has the same partition count, so all events of a message sit on the same partition number of
 * every topic, and two transactions of different lanes never touch the same message. One lock per
 * transaction, where `lockMessages` takes one per message (and a large batch can exhaust Postgres's
 * lock table).
 */
export async function lockPartitionLane(client: PoolClient, lane: number): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LANE_LOCK, lane]);
}

/** Takes the writer locks of `lockMessages` without reading the messages; returns the ids sorted. */
async function lockMessageIds(client: PoolClient, ids: readonly string[]): Promise<string[]> {
  const sorted = [...new Set(ids)].sort();
  if (sorted.length === 0) return sorted;
  await client.query(
    `SELECT pg_advisory_xact_lock(hashtextextended(id, 4242)) FROM (SELECT unnest($1::text[]) AS id ORDER BY 1) AS ids`,
    [sorted],
  );
  return sorted;
}

/**
 * Current states of the given messages, without locking: for a writer that is alone on its tables
 * (a replay building fresh tables).
 */
export async function loadMessages(
  client: PoolClient,
  ids: readonly string[],
): Promise<Map<string, StoredMessage>> {
  if (ids.length === 0) return new Map();
  const { rows } = await client.query<MessageRow>('SELECT * FROM messages WHERE id = ANY($1::uuid[])', [ids]);
  return new Map(rows.map((row) => [row.id, toStored(row)]));
}

const at = (column: string) => `timestamptz 'epoch' + r.${column} * interval '1 millisecond'`;

/**
 * Upserts message states in one set-based statement. The batch travels as one JSON document that
 * Postgres expands in C (jsonb_to_recordset): cheaper on both sides than 27 arrays of escaped text.
 */
export async function saveMessages(client: PoolClient, messages: StoredMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const rows = messages.map(({ state: s, version }) => ({
    id: s.id,
    tenant_id: s.tenantId,
    channel: s.channel,
    recipient: s.to,
    sender: s.from,
    body: s.text,
    priority: s.priority,
    client_reference: s.clientReference,
    callback_url: s.callbackUrl,
    metadata: s.metadata,
    status: s.status,
    provider_id: s.providerId,
    provider_message_id: s.providerMessageId,
    error_code: s.errorCode,
    error_message: s.errorMessage,
    attempts: s.attempts,
    status_times: s.statusTimes,
    version,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    send_at: s.sendAt,
    expires_at: s.expiresAt,
    parts: s.parts,
    encoding: s.encoding,
    cost_micros: s.costMicros,
    broadcast_id: s.broadcastId,
    cancel_requested_at: s.cancelRequestedAt,
  }));
  await client.query(
    `INSERT INTO messages (id, tenant_id, channel, recipient, sender, body, priority, client_reference, callback_url,
                           metadata, status, provider_id, provider_message_id, error_code, error_message, attempts,
                           status_times, version, created_at, updated_at, send_at, expires_at, parts, encoding,
                           cost_micros, broadcast_id, cancel_requested_at)
     SELECT r.id, r.tenant_id, r.channel, r.recipient, r.sender, r.body, r.priority, r.client_reference, r.callback_url,
            r.metadata, r.status, r.provider_id, r.provider_message_id, r.error_code, r.error_message, r.attempts,
            r.status_times, r.version, ${at('created_at')}, ${at('updated_at')}, ${at('send_at')}, ${at('expires_at')},
            r.parts, r.encoding, r.cost_micros, r.broadcast_id, ${at('cancel_requested_at')}
       FROM jsonb_to_recordset($1::jsonb) AS r(
              id uuid, tenant_id text, channel text, recipient text, sender text, body text, priority text,
              client_reference text, callback_url text, metadata jsonb, status text, provider_id text,
              provider_message_id text, error_code text, error_message text, attempts integer, status_times jsonb,
              version integer, created_at bigint, updated_at bigint, send_at bigint, expires_at bigint, parts integer,
              encoding text, cost_micros bigint, broadcast_id uuid, cancel_requested_at bigint)
     ON CONFLICT (id) DO UPDATE SET
       tenant_id = EXCLUDED.tenant_id, channel = EXCLUDED.channel, recipient = EXCLUDED.recipient,
       sender = EXCLUDED.sender, body = EXCLUDED.body, priority = EXCLUDED.priority,
       client_reference = EXCLUDED.client_reference, callback_url = EXCLUDED.callback_url,
       metadata = EXCLUDED.metadata, status = EXCLUDED.status, provider_id = EXCLUDED.provider_id,
       provider_message_id = EXCLUDED.provider_message_id, error_code = EXCLUDED.error_code,
       error_message = EXCLUDED.error_message, attempts = EXCLUDED.attempts, status_times = EXCLUDED.status_times,
       version = EXCLUDED.version, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
       send_at = EXCLUDED.send_at, expires_at = EXCLUDED.expires_at, parts = EXCLUDED.parts,
       encoding = EXCLUDED.encoding, cost_micros = EXCLUDED.cost_micros, broadcast_id = EXCLUDED.broadcast_id,
       cancel_requested_at = EXCLUDED.cancel_requested_at`,
    [JSON.stringify(rows)],
  );
}

/** One tenant's message, or null when it does not exist or belongs to someone else. */
export async function findMessage(pool: Pool, tenantId: string, id: string): Promise<MessageState | null> {
  const { rows } = await pool.query<MessageRow>('SELECT * FROM messages WHERE id = $1 AND tenant_id = $2', [
    id,
    tenantId,
  ]);
  const row = rows[0];
  return row ? toStored(row).state : null;
}
