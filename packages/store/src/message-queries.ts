import type { Channel, MessageState, MessageStatus } from '@herald/domain';
import type { MessageRow } from './messages.js';
import { toStored } from './messages.js';
import type { Pool } from './pool.js';

/** Filters of a message listing; every one given must match. Times are epoch milliseconds. */
export interface MessageFilters {
  status?: MessageStatus;
  channel?: Channel;
  to?: string;
  clientReference?: string;
  broadcastId?: string;
  /** Inclusive. */
  createdAfter?: number;
  /** Exclusive. */
  createdBefore?: number;
}

/** Where a page of a listing ended: the last row's created_at (epoch microseconds) and id. */
export interface MessagePosition {
  createdAtMicros: string;
  id: string;
}

/** A page of messages, newest first, and the position to continue after (null on the last page). */
export interface MessagePage {
  messages: MessageState[];
  next: MessagePosition | null;
}

/**
 * One tenant's messages matching `filters`, ordered by (created_at DESC, id DESC) and continuing
 * strictly after `after`: keyset pagination, so pages neither skip nor repeat rows while new
 * messages arrive. Messages known only from provider events (no accept yet) are not listed.
 */
export async function listMessages(
  pool: Pool,
  tenantId: string,
  filters: MessageFilters,
  page: { limit: number; after?: MessagePosition },
): Promise<MessagePage> {
  const params: unknown[] = [tenantId];
  const param = (value: unknown) => `$${params.push(value)}`;
  const where = ['tenant_id = $1', 'created_at IS NOT NULL'];
  if (filters.status !== undefined) where.push(`status = ${param(filters.status)}`);
  if (filters.channel !== undefined) where.push(`channel = ${param(filters.channel)}`);
  if (filters.to !== undefined) where.push(`recipient = ${param(filters.to)}`);
  if (filters.clientReference !== undefined)
    where.push(`client_reference = ${param(filters.clientReference)}`);
  if (filters.broadcastId !== undefined) where.push(`broadcast_id = ${param(filters.broadcastId)}::uuid`);
  if (filters.createdAfter !== undefined)
    where.push(`created_at >= ${param(new Date(filters.createdAfter))}`);
  if (filters.createdBefore !== undefined)
    where.push(`created_at < ${param(new Date(filters.createdBefore))}`);
  if (page.after) {
    const at = `timestamptz 'epoch' + ${param(page.after.createdAtMicros)}::bigint * interval '1 microsecond'`;
    where.push(`(created_at, id) < (${at}, ${param(page.after.id)}::uuid)`);
  }
  const { rows } = await pool.query<MessageRow & { created_us: string }>(
    `SELECT *, (extract(epoch FROM created_at) * 1000000)::bigint AS created_us FROM messages
      WHERE ${where.join(' AND ')}
      ORDER BY created_at DESC, id DESC LIMIT ${param(page.limit + 1)}`,
    params,
  );
  const shown = rows.slice(0, page.limit);
  const last = shown[shown.length - 1];
  return {
    messages: shown.map((row) => toStored(row).state),
    next: rows.length > page.limit && last ? { createdAtMicros: last.created_us, id: last.id } : null,
  };
}

/** One stored event of a message's timeline; `data` is the event without its type. */
export interface TimelineEntry {
  eventId: string;
  type: string;
  occurredAt: number;
  recordedAt: number;
  data: Record<string, unknown>;
}

/** The events of one tenant's message in the order they happened (ties in the order stored). */
export async function messageTimeline(
  pool: Pool,
  tenantId: string,
  messageId: string,
): Promise<TimelineEntry[]> {
  const { rows } = await pool.query<{
    event_id: string;
    type: string;
    occurred_at: Date;
    recorded_at: Date;
    data: Record<string, unknown>;
  }>(
    `SELECT event_id, type, occurred_at, recorded_at, data FROM events
      WHERE stream_id = $1 AND tenant_id = $2
      ORDER BY occurred_at, position`,
    [messageId, tenantId],
  );
  return rows.map((row) => ({
    eventId: row.event_id,
    type: row.type,
    occurredAt: row.occurred_at.getTime(),
    recordedAt: row.recorded_at.getTime(),
    data: row.data,
  }));
}

/** How a broadcast's messages stand, as far as the read model has recorded them. */
export interface BroadcastSummary {
  id: string;
  channel: Channel | null;
  /** Messages of the broadcast recorded so far. */
  total: number;
  counts: Partial<Record<MessageStatus, number>>;
  /** When its first message was accepted. */
  createdAt: number | null;
}

/** Counts per status of one tenant's broadcast, or null when none of its messages is recorded. */
export async function broadcastSummary(
  pool: Pool,
  tenantId: string,
  broadcastId: string,
): Promise<BroadcastSummary | null> {
  const { rows } = await pool.query<{
    status: MessageStatus;
    channel: Channel | null;
    n: string;
    created_at: Date | null;
  }>(
    `SELECT status, channel, count(*) AS n, min(created_at) AS created_at FROM messages
      WHERE broadcast_id = $1 AND tenant_id = $2
      GROUP BY status, channel`,
    [broadcastId, tenantId],
  );
  if (rows.length === 0) return null;
  const counts: Partial<Record<MessageStatus, number>> = {};
  let createdAt: number | null = null;
  for (const row of rows) {
    counts[row.status] = (counts[row.status] ?? 0) + Number(row.n);
    const at = row.created_at?.getTime() ?? null;
    if (at !== null && (createdAt === null || at < createdAt)) createdAt = at;
  }
  return {
    id: broadcastId,
    channel: rows.find((row) => row.channel !== null)?.channel ?? null,
    total: rows.reduce((sum, row) => sum + Number(row.n), 0),
    counts,
    createdAt,
  };
}
