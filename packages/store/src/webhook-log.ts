import type { Pool, PoolClient } from './pool.js';

type Queryable = Pool | PoolClient;

/** Every attempt outcome: delivered (2xx), to be retried, endpoint gone (410), or given up. */
export const WEBHOOK_ATTEMPT_OUTCOMES = ['delivered', 'retry', 'gone', 'failed'] as const;

/** What came of one attempt. */
export type WebhookAttemptOutcome = (typeof WEBHOOK_ATTEMPT_OUTCOMES)[number];

/** One attempt to deliver a webhook message to an endpoint. Times are epoch milliseconds. */
export interface WebhookAttempt {
  id: string;
  /** The `webhook-id` header of the delivery. */
  webhookMessageId: string;
  /** The Herald message the webhook is about. */
  messageId: string;
  eventType: string;
  attempt: number;
  startedAt: number;
  /** Null on a timeout or network error. */
  statusCode: number | null;
  latencyMs: number;
  outcome: WebhookAttemptOutcome;
  error: string | null;
  responseExcerpt: string | null;
  /** When the next attempt is due; null when there is none. */
  nextAttemptAt: number | null;
}

interface WebhookAttemptRow {
  id: string;
  webhook_message_id: string;
  message_id: string;
  event_type: string;
  attempt: number;
  started_at: Date;
  status_code: number | null;
  latency_ms: number;
  outcome: WebhookAttemptOutcome;
  error: string | null;
  response_excerpt: string | null;
  next_attempt_at: Date | null;
}

const toAttempt = (row: WebhookAttemptRow): WebhookAttempt => ({
  id: row.id,
  webhookMessageId: row.webhook_message_id,
  messageId: row.message_id,
  eventType: row.event_type,
  attempt: row.attempt,
  startedAt: row.started_at.getTime(),
  statusCode: row.status_code,
  latencyMs: row.latency_ms,
  outcome: row.outcome,
  error: row.error,
  responseExcerpt: row.response_excerpt,
  nextAttemptAt: row.next_attempt_at?.getTime() ?? null,
});

/**
 * One page of an endpoint's attempt log, newest first; `before` is the attempt id the previous
 * page ended at. The caller has checked that the endpoint is the tenant's.
 */
export async function listWebhookAttempts(
  db: Queryable,
  tenantId: string,
  endpointId: string,
  page: { limit: number; before?: string; outcome?: WebhookAttemptOutcome },
): Promise<{ attempts: WebhookAttempt[]; hasMore: boolean }> {
  const { rows } = await db.query<WebhookAttemptRow>(
    `SELECT a.id, a.webhook_message_id, m.message_id, m.event_type, a.attempt, a.started_at,
            a.status_code, a.latency_ms, a.outcome, a.error, a.response_excerpt, a.next_attempt_at
       FROM webhook_attempts a JOIN webhook_messages m ON m.id = a.webhook_message_id
      WHERE a.endpoint_id = $2 AND a.tenant_id = $1
        AND ($3::bigint IS NULL OR a.id < $3) AND ($4::text IS NULL OR a.outcome = $4)
      ORDER BY a.id DESC LIMIT $5`,
    [tenantId, endpointId, page.before ?? null, page.outcome ?? null, page.limit + 1],
  );
  return { attempts: rows.slice(0, page.limit).map(toAttempt), hasMore: rows.length > page.limit };
}

/** An endpoint's delivery figures. Times are epoch milliseconds. */
export interface WebhookEndpointStats {
  /** Attempts started in [since, until), by outcome. */
  attempts: Record<WebhookAttemptOutcome, number>;
  /** Percentiles of the latency of those attempts (continuous, interpolated); null without any. */
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  /** Deliveries waiting for an attempt now, whenever they were enqueued. */
  pending: number;
  /** The earliest next attempt among them. */
  oldestPendingNextAttemptAt: number | null;
  /** When the latest delivered attempt and the latest other attempt started, over the whole log. */
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
}

interface StatsRow {
  delivered: number;
  retry: number;
  gone: number;
  failed: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  pending: number;
  oldest_pending: Date | null;
  last_success: Date | null;
  last_failure: Date | null;
}

/** The figures of one endpoint over [since, until), plus its backlog and last outcomes. */
export async function webhookEndpointStats(
  db: Queryable,
  tenantId: string,
  endpointId: string,
  range: { since: number; until: number },
): Promise<WebhookEndpointStats> {
  const { rows } = await db.query<StatsRow>(
    `SELECT count(*) FILTER (WHERE outcome = 'delivered')::int AS delivered,
            count(*) FILTER (WHERE outcome = 'retry')::int AS retry,
            count(*) FILTER (WHERE outcome = 'gone')::int AS gone,
            count(*) FILTER (WHERE outcome = 'failed')::int AS failed,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99,
            (SELECT count(*) FROM webhook_deliveries
              WHERE endpoint_id = $2 AND status = 'pending')::int AS pending,
            (SELECT min(next_attempt_at) FROM webhook_deliveries
              WHERE endpoint_id = $2 AND status = 'pending') AS oldest_pending,
            (SELECT started_at FROM webhook_attempts WHERE endpoint_id = $2 AND outcome = 'delivered'
              ORDER BY id DESC LIMIT 1) AS last_success,
            (SELECT started_at FROM webhook_attempts WHERE endpoint_id = $2 AND outcome <> 'delivered'
              ORDER BY id DESC LIMIT 1) AS last_failure
       FROM webhook_attempts
      WHERE endpoint_id = $2 AND tenant_id = $1 AND started_at >= $3 AND started_at < $4`,
    [tenantId, endpointId, new Date(range.since), new Date(range.until)],
  );
  const [row] = rows;
  if (row === undefined) throw new Error('an aggregate returned no row');
  return {
    attempts: { delivered: row.delivered, retry: row.retry, gone: row.gone, failed: row.failed },
    latencyMs: { p50: row.p50, p95: row.p95, p99: row.p99 },
    pending: row.pending,
    oldestPendingNextAttemptAt: row.oldest_pending?.getTime() ?? null,
    lastSuccessAt: row.last_success?.getTime() ?? null,
    lastFailureAt: row.last_failure?.getTime() ?? null,
  };
}

// The endpoint's filters in SQL, exactly as `matches` of @herald/webhooks reads them: no filter is
// every type; otherwise `*`, the type itself, or its group (`message.*`).
const MATCHES_FILTERS = `(cardinality(e.event_types) = 0 OR '*' = ANY (e.event_types)
  OR m.event_type = ANY (e.event_types) OR split_part(m.event_type, '.', 1) || '.*' = ANY (e.event_types))`;

// Enqueues, in the order the webhook messages happened (an ordered endpoint delivers in id order),
// one pending delivery due at $3 per candidate webhook message matching the endpoint's filters.
const enqueueCandidates = (source: 'resend' | 'recover') => `
  inserted AS (
    INSERT INTO webhook_deliveries
      (tenant_id, endpoint_id, webhook_message_id, message_id, source, status, next_attempt_at)
    SELECT $1, e.id, m.id, m.message_id, '${source}', 'pending', $3
      FROM candidates m JOIN webhook_endpoints e ON e.id = $2 AND e.tenant_id = $1
     WHERE ${MATCHES_FILTERS}
     ORDER BY m.occurred_at, m.id
    RETURNING 1)`;

/**
 * Enqueues a resend to the endpoint of every webhook message about a Herald message that its
 * filters match, due now. `found` is false when the tenant has no webhook message about it.
 */
export async function enqueueWebhookResend(
  db: Queryable,
  input: { tenantId: string; endpointId: string; messageId: string; now: number },
): Promise<{ found: boolean; enqueued: number }> {
  const { rows } = await db.query<{ found: number; enqueued: number }>(
    `WITH candidates AS (
       SELECT id, message_id, event_type, occurred_at FROM webhook_messages
        WHERE message_id = $4::uuid AND tenant_id = $1),
     ${enqueueCandidates('resend')}
     SELECT (SELECT count(*) FROM candidates)::int AS found,
            (SELECT count(*) FROM inserted)::int AS enqueued`,
    [input.tenantId, input.endpointId, new Date(input.now), input.messageId],
  );
  return { found: (rows[0]?.found ?? 0) > 0, enqueued: rows[0]?.enqueued ?? 0 };
}

/**
 * Enqueues a delivery to the endpoint, due now, of every webhook message of the tenant that
 * happened in [since, until) and that its filters match. Returns how many were enqueued.
 */
export async function enqueueWebhookRecovery(
  db: Queryable,
  input: { tenantId: string; endpointId: string; since: number; until: number; now: number },
): Promise<number> {
  const { rows } = await db.query<{ enqueued: number }>(
    `WITH candidates AS (
       SELECT id, message_id, event_type, occurred_at FROM webhook_messages
        WHERE tenant_id = $1 AND occurred_at >= $4 AND occurred_at < $5),
     ${enqueueCandidates('recover')}
     SELECT count(*)::int AS enqueued FROM inserted`,
    [input.tenantId, input.endpointId, new Date(input.now), new Date(input.since), new Date(input.until)],
  );
  return rows[0]?.enqueued ?? 0;
}
