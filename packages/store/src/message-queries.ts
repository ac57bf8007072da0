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
