import { Hono } from 'hono';
import { z } from 'zod';
import type { BatchingProducer } from '@herald/kafka';
import { findDeadLetter, listDeadLetters, markReplayed } from '@herald/store';
import type { DeadLetter, Pool } from '@herald/store';
import { adminAuth } from '../auth/admin-auth.js';
import { Problem } from '../problems.js';

/** What the DLQ operations need from the process. */
export interface AdminDlqDeps {
  pool: Pool;
  producer: BatchingProducer;
  adminToken: string | undefined;
  clock: () => number;
}

const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'a cursor from next_cursor')
    .optional(),
});

/** True when no character is a control character other than tab and line breaks. */
function isPrintable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return false;
  }
  return true;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The public shape of a dead letter: the reason, where it came from, and the bytes. */
function deadLetterResource(letter: DeadLetter) {
  const text = letter.value?.toString('utf8') ?? null;
  return {
    id: letter.id,
    code: letter.code,
    reason: letter.reason,
    source: { topic: letter.sourceTopic, partition: letter.sourcePartition, offset: letter.sourceOffset },
    consumer_group: letter.consumerGroup,
    key: letter.key,
    value_base64: letter.value?.toString('base64') ?? null,
    // A readable excerpt helps triage; binary payloads show only in base64.
    value_excerpt: text !== null && isPrintable(text) ? text.slice(0, 500) : null,
    headers: letter.headers,
    recorded_at: iso(letter.recordedAt),
    replayed_at: iso(letter.replayedAt),
  };
}

/**
 * `GET /v1/admin/dlq` lists dead-lettered records with their reason, newest first;
 * `POST /v1/admin/dlq/:id/replay` puts one back on the topic it came from (same key, its original
 * headers plus `herald-replayed-from`), for after the cause is fixed.
 */
export function adminDlqRoutes(deps: AdminDlqDeps) {
  const app = new Hono();
  app.use('*', adminAuth({ token: deps.adminToken }));
  app.get('/', async (c) => {
    const query = listQuery.safeParse(c.req.query());
    if (!query.success) {
      const errors = query.error.issues.map((issue) => ({
        field: issue.path.join('.') || '(query)',
        message: issue.message,
      }));
      throw new Problem(400, 'validation_failed', 'The query is invalid', undefined, errors);
    }
    const letters = await listDeadLetters(deps.pool, {
      limit: query.data.limit,
      ...(query.data.cursor ? { beforeId: query.data.cursor } : {}),
    });
    const last = letters.at(-1);
    return c.json({
      data: letters.map(deadLetterResource),
      next_cursor: letters.length === query.data.limit && last ? last.id : null,
    });
  });
  app.post('/:id/replay', async (c) => {
    const letter = await findDeadLetter(deps.pool, c.req.param('id'));
    if (!letter) throw new Problem(404, 'not_found', 'Dead letter not found');
    if (!letter.sourceTopic) {
      throw new Problem(409, 'dlq_not_replayable', 'The dead letter does not name its source topic');
    }
    const headers = Object.fromEntries(
      Object.entries(letter.headers).filter(([name]) => !name.startsWith('herald-dlq-')),
    );
    await deps.producer.send([
      {
        topic: letter.sourceTopic,
        key: letter.key ?? '',
        value: letter.value ?? Buffer.alloc(0),
        headers: { ...headers, 'herald-replayed-from': `dlq:${letter.id}` },
      },
    ]);
    const now = deps.clock();
    await markReplayed(deps.pool, letter.id, now);
    return c.json({ ...deadLetterResource({ ...letter, replayedAt: now }) }, 202);
  });
  return app;
}
