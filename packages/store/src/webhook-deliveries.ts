import { inTransaction } from './pool.js';
import type { Pool, PoolClient } from './pool.js';

/**
 * The dispatcher's side of the webhook tables: enqueueing a webhook message for every destination
 * (inside the consumer's transaction), claiming due deliveries with a lease, and recording what
 * each attempt gave. Every statement is set-based: one per kind of write, whatever the batch size.
 */

type Queryable = Pool | PoolClient;

// Advisory lock namespace of the dispatcher's partition lanes; the projector's lanes have their own
// key, so a dispatcher transaction never waits for a projection transaction.
const WEBHOOK_LANE_LOCK = 7_305_001;

/**
 * Serialises the dispatcher's transactions on one partition number across its topics: a
 * MessageAccepted (requested topic) and its status events (events topic) share the recipient key
 * and so the partition number, and the callback delivery enqueued from whichever comes second must
 * see the row written by the first. Pass lane 0 for all when topics differ in partition count.
 */
export async function lockWebhookLane(client: PoolClient, lane: number): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1, $2)', [WEBHOOK_LANE_LOCK, lane]);
}

/** A message's callback_url (null: none), as learnt from its MessageAccepted. */
export interface MessageCallback {
  messageId: string;
  tenantId: string;
  callbackUrl: string | null;
}

/**
 * Records the callback_url of accepted messages that have one (no row means none: most messages
 * have none, and the table would otherwise grow by a row per message) and enqueues the webhook
 * messages already recorded for them (events read before their MessageAccepted). Returns the
 * number of deliveries enqueued.
 */
export async function recordMessageCallbacks(
  client: PoolClient,
  callbacks: readonly MessageCallback[],
): Promise<number> {
  const withUrl = callbacks.filter(
    (c): c is MessageCallback & { callbackUrl: string } => c.callbackUrl !== null,
  );
  if (withUrl.length === 0) return 0;
  const messageIds = withUrl.map((c) => c.messageId);
  await client.query(
    `INSERT INTO webhook_message_callbacks (message_id, tenant_id, callback_url)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])
     ON CONFLICT (message_id) DO NOTHING`,
    [messageIds, withUrl.map((c) => c.tenantId), withUrl.map((c) => c.callbackUrl)],
  );
  const { rowCount } = await client.query(
    `INSERT INTO webhook_deliveries (tenant_id, callback_url, webhook_message_id, message_id, source, next_attempt_at)
     SELECT m.tenant_id, c.callback_url, m.id, m.message_id, 'event', now()
       FROM webhook_message_callbacks c JOIN webhook_messages m USING (message_id)
      WHERE c.message_id = ANY($1::uuid[])
      ORDER BY m.occurred_at, m.id
     ON CONFLICT DO NOTHING`,
    [messageIds],
  );
  return rowCount ?? 0;
}

/** A webhook message built from one event: `payload` is exactly the body that is signed and sent. */
export interface NewWebhookMessage {
  id: string;
  tenantId: string;
  eventId: string;
  messageId: string;
  /** The webhook event type (`message.delivered`). */
  eventType: string;
  /** Epoch milliseconds. */
  occurredAt: number;
  payload: string;
  /** Trace context of the event's record, continued by every delivery attempt. */
  traceparent?: string | null;
}

/**
 * Records webhook messages (one per event: a redelivered event changes nothing) and enqueues a
 * delivery, due now, to every enabled endpoint of the tenant whose filters match the type and to
 * the message's callback_url when it has one, in the order given (the log's order, which ordered
 * endpoints deliver in). Returns the number of deliveries enqueued.
 *
 * The filter test mirrors `matches` of @herald/webhooks over validated filters: no filter, the
 * type itself, its group (`message.*`) or `*`.
 */
export async function enqueueWebhookMessages(
  client: PoolClient,
  messages: readonly NewWebhookMessage[],
): Promise<number> {
  if (messages.length === 0) return 0;
  const rows = JSON.stringify(
    messages.map((m) => ({
      id: m.id,
      tenant_id: m.tenantId,
      event_id: m.eventId,
      message_id: m.messageId,
      event_type: m.eventType,
      occurred_at: new Date(m.occurredAt).toISOString(),
      payload: m.payload,
      traceparent: m.traceparent ?? null,
    })),
  );
  await client.query(
    `INSERT INTO webhook_messages (id, tenant_id, event_id, message_id, event_type, occurred_at, payload, traceparent)
     SELECT id, tenant_id, event_id, message_id, event_type, occurred_at, payload, traceparent
       FROM jsonb_to_recordset($1::jsonb) AS m(id text, tenant_id text, event_id uuid, message_id uuid,
                                               event_type text, occurred_at timestamptz, payload text,
                                               traceparent text)
     ON CONFLICT DO NOTHING`,
    [rows],
  );
  const ids = messages.map((m) => m.id);
  const endpoints = await client.query(
    `INSERT INTO webhook_deliveries (tenant_id, endpoint_id, webhook_message_id, message_id, source, next_attempt_at)
     SELECT m.tenant_id, e.id, m.id, m.message_id, 'event', now()
       FROM unnest($1::text[]) WITH ORDINALITY AS b(id, n)
       JOIN webhook_messages m ON m.id = b.id
       JOIN webhook_endpoints e ON e.tenant_id = m.tenant_id AND e.enabled
      WHERE cardinality(e.event_types) = 0
         OR e.event_types && ARRAY[m.event_type, split_part(m.event_type, '.', 1) || '.*', '*']
      ORDER BY b.n
     ON CONFLICT DO NOTHING`,
    [ids],
  );
  const callbacks = await client.query(
    `INSERT INTO webhook_deliveries (tenant_id, callback_url, webhook_message_id, message_id, source, next_attempt_at)
     SELECT m.tenant_id, c.callback_url, m.id, m.message_id, 'event', now()
       FROM unnest($1::text[]) WITH ORDINALITY AS b(id, n)
       JOIN webhook_messages m ON m.id = b.id
       JOIN webhook_message_callbacks c ON c.message_id = m.message_id
      WHERE c.callback_url IS NOT NULL
      ORDER BY b.n
     ON CONFLICT DO NOTHING`,
    [ids],
  );
  return (endpoints.rowCount ?? 0) + (callbacks.rowCount ?? 0);
}

/** A delivery claimed for one attempt, with everything needed to make it. */
export interface ClaimedDelivery {
  id: string;
  tenantId: string;
  /** Null for a delivery to the message's callback_url. */
  endpointId: string | null;
  /** Where to POST: the endpoint's URL or the callback_url. */
  url: string;
  /** The destination concurrency is counted per: the endpoint id, or the callback_url. */
  destination: string;
  webhookMessageId: string;
  messageId: string;
  /** Attempts made before this one. */
  attempts: number;
  payload: string;
  /** When the event happened, epoch milliseconds. */
  occurredAt: number;
  /** Trace context of the event's record; null when it had none. */
  traceparent: string | null;
  /** The endpoint's settings; null for a callback_url. */
  endpoint: {
    enabled: boolean;
    ordered: boolean;
    maxConcurrency: number;
    headers: Record<string, string>;
    /** The current secret, then the previous one while its grace period lasts. */
    secrets: string[];
  } | null;
}

/** What a claim may take: how many in all, and what each destination already has in flight. */
export interface ClaimOptions {
  limit: number;
  /** How long a claim holds a delivery before another worker may take it (a crashed worker's). */
  leaseMs: number;
  /** Attempts in flight in this process, per destination. */
  inFlight: ReadonlyMap<string, number>;
  /** Destinations to skip: every slot of theirs is taken. */
  full: readonly string[];
  /** Concurrency of a callback_url (endpoints have their own `max_concurrency`). */
  callbackConcurrency: number;
}

interface ClaimedRow {
  id: string;
  tenant_id: string;
  endpoint_id: string | null;
  callback_url: string | null;
  webhook_message_id: string;
  message_id: string;
  attempts: number;
  payload: string;
  occurred_at: Date;
  traceparent: string | null;
  url: string | null;
  headers: Record<string, string> | null;
  secret: string | null;
  previous_secret: string | null;
  enabled: boolean | null;
  ordered: boolean | null;
  max_concurrency: number | null;
}

/**
 * Claims due deliveries (SKIP LOCKED: workers share the schedule) by pushing their next attempt a
 * lease ahead: a worker that dies mid-attempt leaves them due again when the lease runs out. Takes
 * no more per destination than its free slots, skips full destinations so one slow endpoint never
 * holds back the others, and on ordered endpoints only a message's earliest pending delivery.
 */
export async function claimWebhookDeliveries(pool: Pool, options: ClaimOptions): Promise<ClaimedDelivery[]> {
  return inTransaction(pool, async (client) => {
    // The due rows must be read in index order, stopping at the limit. Statistics lag behind a
    // burst of enqueues (the planner then expects a handful of due rows and reads all of them
    // through a bitmap, then sorts): tens of milliseconds per claim with 40,000 due instead of one.
    // A claim lost in a database crash only makes its deliveries due again: no need to wait for
    // the WAL flush.
    await client.query('SET LOCAL enable_bitmapscan = off; SET LOCAL synchronous_commit = off');
    return claimDue(client, options);
  });
}

async function claimDue(client: PoolClient, options: ClaimOptions): Promise<ClaimedDelivery[]> {
  const busy = [...options.inFlight];
  const { rows } = await client.query<ClaimedRow>(
    `WITH due AS (
       SELECT d.id, d.endpoint_id, COALESCE(d.endpoint_id, d.callback_url) AS destination, d.next_attempt_at
         FROM webhook_deliveries d
        WHERE d.status = 'pending' AND d.next_attempt_at <= now()
          AND COALESCE(d.endpoint_id, d.callback_url) <> ALL($3::text[])
          -- Subqueries as filters, not joins (a join would read every due row before the limit).
          AND NOT (COALESCE((SELECT e.ordered FROM webhook_endpoints e WHERE e.id = d.endpoint_id), false)
                   AND EXISTS (SELECT 1 FROM webhook_deliveries p
                                WHERE p.endpoint_id = d.endpoint_id AND p.message_id = d.message_id
                                  AND p.status = 'pending' AND p.id < d.id))
        ORDER BY d.next_attempt_at
        LIMIT $1
        FOR UPDATE OF d SKIP LOCKED
     ), ranked AS (
       SELECT due.id, COALESCE(e.max_concurrency, $4) - COALESCE(busy.in_flight, 0) AS free,
              row_number() OVER (PARTITION BY due.destination ORDER BY due.next_attempt_at, due.id) AS rank
         FROM due
         LEFT JOIN webhook_endpoints e ON e.id = due.endpoint_id
         LEFT JOIN unnest($5::text[], $6::int[]) AS busy(destination, in_flight) ON busy.destination = due.destination
     ), claimed AS (
       UPDATE webhook_deliveries d
          SET next_attempt_at = now() + $2::double precision * interval '1 millisecond', updated_at = now()
         FROM ranked
        WHERE d.id = ranked.id AND ranked.rank <= ranked.free
       RETURNING d.id, d.tenant_id, d.endpoint_id, d.callback_url, d.webhook_message_id, d.message_id, d.attempts
     )
     SELECT c.*, m.payload, m.occurred_at, m.traceparent, e.url, e.headers, e.secret,
            CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret END AS previous_secret,
            e.enabled, e.ordered, e.max_concurrency
       FROM claimed c
       JOIN webhook_messages m ON m.id = c.webhook_message_id
       LEFT JOIN webhook_endpoints e ON e.id = c.endpoint_id
      ORDER BY m.occurred_at, c.id`,
    [
      options.limit,
      options.leaseMs,
      options.full,
      options.callbackConcurrency,
      busy.map(([destination]) => destination),
      busy.map(([, count]) => count),
    ],
  );
  return rows.map(toClaimed);
}

function toClaimed(row: ClaimedRow): ClaimedDelivery {
  const endpoint =
    row.endpoint_id === null
      ? null
      : {
          enabled: row.enabled ?? false,
          ordered: row.ordered ?? false,
          maxConcurrency: row.max_concurrency ?? 1,
          headers: row.headers ?? {},
          secrets: [row.secret, row.previous_secret].filter((secret): secret is string => secret !== null),
        };
  return {
    id: row.id,
    tenantId: row.tenant_id,
    endpointId: row.endpoint_id,
    url: row.url ?? row.callback_url ?? '',
    destination: row.endpoint_id ?? row.callback_url ?? '',
    webhookMessageId: row.webhook_message_id,
    messageId: row.message_id,
    attempts: row.attempts,
    payload: row.payload,
    occurredAt: row.occurred_at.getTime(),
    traceparent: row.traceparent,
    endpoint,
  };
}

/** One attempt and what it makes of its delivery. Times are epoch milliseconds. */
export interface SettledAttempt {
  deliveryId: string;
  attempt: number;
  startedAt: number;
  latencyMs: number;
  statusCode: number | null;
  /** `failed`: the schedule is exhausted; `gone`: the endpoint answered 410. */
  outcome: 'delivered' | 'retry' | 'gone' | 'failed';
  error: string | null;
  responseExcerpt: string | null;
  /** When the next attempt is due (outcome `retry` only). */
  nextAttemptAt: number | null;
}

/**
 * Logs attempts and moves their deliveries on: delivered, pending until the next attempt, or
 * failed. A delivery already failed meanwhile (its endpoint was disabled) stays failed unless the
 * attempt delivered it; one deleted meanwhile (with its endpoint) is not logged.
 */
export async function settleWebhookAttempts(
  client: Queryable,
  attempts: readonly SettledAttempt[],
): Promise<void> {
  if (attempts.length === 0) return;
  const rows = JSON.stringify(
    attempts.map((a) => ({
      delivery_id: a.deliveryId,
      attempt: a.attempt,
      started_at: new Date(a.startedAt).toISOString(),
      latency_ms: Math.round(a.latencyMs),
      status_code: a.statusCode,
      outcome: a.outcome,
      error: a.error,
      response_excerpt: a.responseExcerpt,
      next_attempt_at: a.nextAttemptAt === null ? null : new Date(a.nextAttemptAt).toISOString(),
    })),
  );
  await client.query(
    `WITH a AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS a(delivery_id bigint, attempt int, started_at timestamptz,
         latency_ms int, status_code int, outcome text, error text, response_excerpt text, next_attempt_at timestamptz)
     ), moved AS (
       UPDATE webhook_deliveries d
          SET status = CASE a.outcome WHEN 'delivered' THEN 'delivered' WHEN 'retry' THEN 'pending' ELSE 'failed' END,
              next_attempt_at = CASE WHEN a.outcome = 'retry' THEN a.next_attempt_at END,
              attempts = GREATEST(d.attempts, a.attempt),
              last_status_code = a.status_code,
              last_error = a.error,
              updated_at = now()
         FROM a
        WHERE d.id = a.delivery_id AND (d.status = 'pending' OR a.outcome = 'delivered')
       RETURNING d.id
     )
     INSERT INTO webhook_attempts (delivery_id, tenant_id, endpoint_id, webhook_message_id, attempt, started_at,
                                   latency_ms, status_code, outcome, error, response_excerpt, next_attempt_at)
     SELECT d.id, d.tenant_id, d.endpoint_id, d.webhook_message_id, a.attempt, a.started_at, a.latency_ms,
            a.status_code, a.outcome, a.error, a.response_excerpt, a.next_attempt_at
       FROM a JOIN webhook_deliveries d ON d.id = a.delivery_id
      ORDER BY a.started_at`,
    [rows],
  );
}

/** The last outcome of an endpoint in a batch of attempts. Times are epoch milliseconds. */
export interface EndpointHealth {
  endpointId: string;
  /** True when the endpoint's latest attempt delivered. */
  ok: boolean;
  at: number;
  /** The latest attempt's error, for the disabled_detail. */
  error: string | null;
}

/** An endpoint the dispatcher disabled, and why. */
export interface DisabledEndpoint {
  endpointId: string;
  reason: 'gone' | 'failing';
  detail: string;
}

/**
 * Tracks endpoint health: a delivered attempt clears `failing_since`; a failed one sets it if it
 * is not set, and disables the endpoint (`failing`) once it has been failing for `disableAfterMs`.
 * Returns the endpoints disabled; their pending deliveries are failed.
 */
export async function recordEndpointHealth(
  client: PoolClient,
  health: readonly EndpointHealth[],
  disableAfterMs: number,
): Promise<DisabledEndpoint[]> {
  const healthy = health.filter((h) => h.ok).map((h) => h.endpointId);
  if (healthy.length > 0) {
    await client.query(
      'UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ANY($1::text[]) AND failing_since IS NOT NULL',
      [healthy],
    );
  }
  const failing = health.filter((h) => !h.ok);
  if (failing.length === 0) return [];
  const { rows } = await client.query<{ id: string; disabled_detail: string | null }>(
    `WITH f AS (
       SELECT f.id, f.at, f.error,
              (w.failing_since IS NOT NULL AND f.at - w.failing_since >= $2::double precision * interval '1 millisecond') AS expired,
              w.failing_since
         FROM jsonb_to_recordset($1::jsonb) AS f(id text, at timestamptz, error text)
         JOIN webhook_endpoints w ON w.id = f.id
     )
     UPDATE webhook_endpoints e
        SET failing_since = COALESCE(e.failing_since, f.at),
            enabled = NOT f.expired,
            disabled_reason = CASE WHEN f.expired THEN 'failing' END,
            disabled_detail = CASE WHEN f.expired THEN
              'no successful delivery since ' || to_char(f.failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
              || '; last error: ' || COALESCE(f.error, 'unknown') END,
            disabled_at = CASE WHEN f.expired THEN now() END
       FROM f
      WHERE e.id = f.id AND e.enabled
     RETURNING e.id, e.disabled_detail`,
    [
      JSON.stringify(
        failing.map((h) => ({ id: h.endpointId, at: new Date(h.at).toISOString(), error: h.error })),
      ),
      disableAfterMs,
    ],
  );
  const disabled = rows.flatMap((row) =>
    row.disabled_detail === null
      ? []
      : [{ endpointId: row.id, reason: 'failing' as const, detail: row.disabled_detail }],
  );
  await failPendingDeliveries(client, disabled);
  return disabled;
}

/** Disables endpoints that answered 410 Gone and fails their pending deliveries; returns those disabled. */
export async function disableGoneEndpoints(
  client: PoolClient,
  gone: readonly { endpointId: string; detail: string }[],
): Promise<DisabledEndpoint[]> {
  if (gone.length === 0) return [];
  const { rows } = await client.query<{ id: string; disabled_detail: string }>(
    `UPDATE webhook_endpoints e
        SET enabled = false, disabled_reason = 'gone', disabled_detail = g.detail, disabled_at = now()
       FROM unnest($1::text[], $2::text[]) AS g(id, detail)
      WHERE e.id = g.id AND e.enabled
     RETURNING e.id, e.disabled_detail`,
    [gone.map((g) => g.endpointId), gone.map((g) => g.detail)],
  );
  const disabled = rows.map((row) => ({
    endpointId: row.id,
    reason: 'gone' as const,
    detail: row.disabled_detail,
  }));
  await failPendingDeliveries(client, disabled);
  return disabled;
}

async function failPendingDeliveries(
  client: PoolClient,
  disabled: readonly DisabledEndpoint[],
): Promise<void> {
  if (disabled.length === 0) return;
  await client.query(
    `UPDATE webhook_deliveries d
        SET status = 'failed', next_attempt_at = NULL, updated_at = now(),
            last_error = 'endpoint disabled (' || x.reason || '): ' || x.detail
       FROM unnest($1::text[], $2::text[], $3::text[]) AS x(id, reason, detail)
      WHERE d.endpoint_id = x.id AND d.status = 'pending'`,
    [disabled.map((d) => d.endpointId), disabled.map((d) => d.reason), disabled.map((d) => d.detail)],
  );
}

/** Fails claimed deliveries without an attempt (their endpoint was disabled), with the reason. */
export async function failWebhookDeliveries(
  client: Queryable,
  failures: readonly { deliveryId: string; error: string }[],
): Promise<void> {
  if (failures.length === 0) return;
  await client.query(
    `UPDATE webhook_deliveries d
        SET status = 'failed', next_attempt_at = NULL, last_error = f.error, updated_at = now()
       FROM unnest($1::bigint[], $2::text[]) AS f(id, error)
      WHERE d.id = f.id AND d.status = 'pending'`,
    [failures.map((f) => f.deliveryId), failures.map((f) => f.error)],
  );
}

/** Hands claimed deliveries back, due now (a worker stopping before it could attempt them). */
export async function releaseWebhookDeliveries(pool: Queryable, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await pool.query(
    `UPDATE webhook_deliveries SET next_attempt_at = now(), updated_at = now()
      WHERE id = ANY($1::bigint[]) AND status = 'pending'`,
    [ids],
  );
}

/** Deliveries waiting for an attempt, due or not. */
export async function countPendingWebhookDeliveries(pool: Queryable): Promise<number> {
  const { rows } = await pool.query<{ pending: string }>(
    "SELECT count(*) AS pending FROM webhook_deliveries WHERE status = 'pending'",
  );
  return Number(rows[0]?.pending ?? 0);
}

/**
 * Gives a consumer group that has never stored a position one at the given offsets (the end of
 * the log), so a dispatcher deployed onto a Herald with history does not send webhooks for every
 * past event. Does nothing once the group has any stored offset. Returns true when it seeded.
 */
export async function seedGroupOffsets(
  pool: Queryable,
  groupId: string,
  offsets: readonly { topic: string; partition: number; offset: string }[],
): Promise<boolean> {
  if (offsets.length === 0) return false;
  const { rowCount } = await pool.query(
    `INSERT INTO consumer_offsets (group_id, topic, partition, next_offset)
     SELECT $1, o.topic, o.partition, o.next_offset
       FROM unnest($2::text[], $3::int[], $4::bigint[]) AS o(topic, partition, next_offset)
      WHERE NOT EXISTS (SELECT 1 FROM consumer_offsets WHERE group_id = $1)
     ON CONFLICT DO NOTHING`,
    [groupId, offsets.map((o) => o.topic), offsets.map((o) => o.partition), offsets.map((o) => o.offset)],
  );
  return (rowCount ?? 0) > 0;
}
