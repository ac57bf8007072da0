import { Hono } from 'hono';
import { z } from 'zod';
import { providerHealth } from '@herald/store';
import type { Pool, ProviderHealthRow } from '@herald/store';
import { adminAuth } from '../auth/admin-auth.js';
import { Problem } from '../problems.js';

/** What `GET /v1/admin/providers/health` needs from the process. */
export interface AdminProviderHealthDeps {
  pool: Pool;
  adminToken: string | undefined;
  clock: () => number;
}

const MINUTE_MS = 60_000;
const DEFAULT_RANGE_MS = 60 * MINUTE_MS;
const MAX_RANGE_MS = 24 * 60 * MINUTE_MS;

const instant = z.iso.datetime({ offset: true, error: 'an ISO 8601 date-time, e.g. 2026-11-22T10:00:00Z' });

/** Query of `GET /v1/admin/providers/health`: the minutes starting in [from, to), at most 24 hours. */
export const providerHealthQuery = z.strictObject({
  from: instant.optional().describe('Start (inclusive); `to` less 60 minutes by default.'),
  to: instant.optional().describe('End (exclusive); now by default.'),
  provider: z.string().min(1).max(200).optional().describe('Only this provider id.'),
});

type Figures = Omit<ProviderHealthRow, 'providerId' | 'minute'>;

/** The figures as the API shows them, with what derives from them. */
function figuresResource(figures: Figures) {
  const attempts = figures.sent + figures.failed;
  // Latency is measured on sends only: with none, there is no latency to report.
  const sent = figures.sent > 0;
  return {
    sent: figures.sent,
    failed: figures.failed,
    delivered: figures.delivered,
    undelivered: figures.undelivered,
    attempts,
    failure_rate: attempts === 0 ? null : figures.failed / attempts,
    latency_ms: {
      avg: sent ? Math.round((figures.latencyMsSum / figures.sent) * 10) / 10 : null,
      max: sent ? figures.latencyMsMax : null,
    },
  };
}

/** Each provider's figures summed over the rows, by provider id. */
function totalsByProvider(rows: readonly ProviderHealthRow[]): Map<string, Figures> {
  const totals = new Map<string, Figures>();
  for (const row of rows) {
    const total = totals.get(row.providerId) ?? {
      sent: 0,
      failed: 0,
      delivered: 0,
      undelivered: 0,
      latencyMsSum: 0,
      latencyMsMax: 0,
    };
    total.sent += row.sent;
    total.failed += row.failed;
    total.delivered += row.delivered;
    total.undelivered += row.undelivered;
    total.latencyMsSum += row.latencyMsSum;
    total.latencyMsMax = Math.max(total.latencyMsMax, row.latencyMsMax);
    totals.set(row.providerId, total);
  }
  return totals;
}

function invalidRange(field: string, message: string): Problem {
  return new Problem(400, 'validation_failed', 'The range is invalid', message, [{ field, message }]);
}

/** The range asked for, with its defaults, in epoch ms. */
function requestedRange(query: z.infer<typeof providerHealthQuery>, now: number) {
  const to = query.to === undefined ? now : Date.parse(query.to);
  const from = query.from === undefined ? to - DEFAULT_RANGE_MS : Date.parse(query.from);
  if (from >= to) throw invalidRange('from', '`from` must be before `to`.');
  if (to - from > MAX_RANGE_MS) throw invalidRange('from', 'The range is at most 24 hours.');
  return { from, to };
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `GET /v1/admin/providers/health`: each provider's sends, failures, delivery reports and send
 * latency per minute, and summed over the range, from the provider-health read model.
 */
export function adminProviderHealthRoutes(deps: AdminProviderHealthDeps) {
  const app = new Hono();
  app.use('*', adminAuth({ token: deps.adminToken }));
  app.get('/', async (c) => {
    const query = providerHealthQuery.safeParse(c.req.query());
    if (!query.success) {
      const errors = query.error.issues.map((issue) => ({
        field: issue.path.join('.') || '(query)',
        message: issue.message,
      }));
      throw new Problem(400, 'validation_failed', 'The query is invalid', undefined, errors);
    }
    const { from, to } = requestedRange(query.data, deps.clock());
    const rows = await providerHealth(deps.pool, from, to, query.data.provider);
    const totals = [...totalsByProvider(rows)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return c.json({
      from: iso(from),
      to: iso(to),
      data: rows.map((row) => ({
        provider_id: row.providerId,
        minute: iso(row.minute),
        ...figuresResource(row),
      })),
      totals: totals.map(([providerId, figures]) => ({
        provider_id: providerId,
        ...figuresResource(figures),
      })),
    });
  });
  return app;
}
