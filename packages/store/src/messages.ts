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
const date = (ms: number | null) => (ms === null ? null : new Date(ms));

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

/** Takes the writer locks of `lockMessages` without reading the messages; returns the ids sorted. */
export async function lockMessageIds(client: PoolClient, ids: readonly string[]): Promise<string[]> {
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

/** Upserts message states in one set-based statement. */
export async function saveMessages(client: PoolClient, messages: StoredMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const column = <T>(pick: (state: MessageState) => T) => messages.map(({ state }) => pick(state));
  await client.query(
    `INSERT INTO messages (id, tenant_id, channel, recipient, sender, body, priority, client_reference, callback_url,
                           metadata, status, provider_id, provider_message_id, error_code, error_message, attempts,
                           status_times, version, created_at, updated_at, send_at, expires_at, parts, encoding,
                           cost_micros, broadcast_id, cancel_requested_at)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                          $9::text[], $10::jsonb[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
                          $16::int[], $17::jsonb[], $18::int[], $19::timestamptz[], $20::timestamptz[],
                          $21::timestamptz[], $22::timestamptz[], $23::int[], $24::text[], $25::bigint[], $26::uuid[],
                          $27::timestamptz[])
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
    [
      column((s) => s.id),
      column((s) => s.tenantId),
      column((s) => s.channel),
      column((s) => s.to),
      column((s) => s.from),
      column((s) => s.text),
      column((s) => s.priority),
      column((s) => s.clientReference),
      column((s) => s.callbackUrl),
      column((s) => (s.metadata ? JSON.stringify(s.metadata) : null)),
      column((s) => s.status),
      column((s) => s.providerId),
      column((s) => s.providerMessageId),
      column((s) => s.errorCode),
      column((s) => s.errorMessage),
      column((s) => s.attempts),
      column((s) => JSON.stringify(s.statusTimes)),
      messages.map((m) => m.version),
      column((s) => date(s.createdAt)),
      column((s) => new Date(s.updatedAt)),
      column((s) => date(s.sendAt)),
      column((s) => date(s.expiresAt)),
      column((s) => s.parts),
      column((s) => s.encoding),
      column((s) => s.costMicros),
      column((s) => s.broadcastId),
      column((s) => date(s.cancelRequestedAt)),
    ],
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
