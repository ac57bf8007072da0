import { Hono } from 'hono';
import { z } from 'zod';
import { usageByDay } from '@herald/store';
import type { Pool } from '@herald/store';
import type { AuthVariables } from '../auth/tenant-auth.js';
import { formatCredits } from '../credit-amounts.js';
import { Problem } from '../problems.js';

/** What `GET /v1/usage` needs from the process. */
export interface UsageDeps {
  pool: Pool;
  clock: () => number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 366;

/** Query of `GET /v1/usage`: an inclusive range of UTC days, the last 30 by default. */
export const usageQuery = z.strictObject({
  from: z.string().regex(DAY, 'a UTC day, YYYY-MM-DD').optional().describe('First UTC day (inclusive).'),
  to: z.string().regex(DAY, 'a UTC day, YYYY-MM-DD').optional().describe('Last UTC day (inclusive).'),
});

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * `GET /v1/usage`: the tenant's messages, parts, deliveries, failures and spend per day (of
 * acceptance) and channel, from the usage read model.
 */
export function usageRoutes(deps: UsageDeps) {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.get('/', async (c) => {
    const query = usageQuery.safeParse(c.req.query());
    if (!query.success) {
      const errors = query.error.issues.map((issue) => ({
        field: issue.path.join('.') || '(query)',
        message: issue.message,
      }));
      throw new Problem(400, 'validation_failed', 'The query is invalid', undefined, errors);
    }
    const today = deps.clock();
    const to = query.data.to ?? dayOf(today);
    const from = query.data.from ?? dayOf(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000);
    const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
    if (!Number.isFinite(days) || days < 1 || days > MAX_DAYS) {
      throw new Problem(
        400,
        'validation_failed',
        'The range is invalid',
        `from must not be after to, and the range is at most ${MAX_DAYS} days.`,
      );
    }
    const rows = await usageByDay(deps.pool, c.get('tenantId'), from, to);
    return c.json({
      from,
      to,
      data: rows.map((row) => ({
        day: row.day,
        channel: row.channel,
        messages: row.messages,
        parts: row.parts,
        delivered: row.delivered,
        failed: row.failed,
        spend: { credits: formatCredits(row.spendMicros), micros: row.spendMicros },
      })),
    });
  });
  return app;
}
