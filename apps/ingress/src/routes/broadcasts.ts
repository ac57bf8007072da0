import { Hono } from 'hono';
import { broadcastSummary, optedOutRecipients } from '@herald/store';
import {
  acceptedRecord,
  logAccepted,
  prepareMessage,
  produceAll,
  requireSchedule,
  shapeOf,
} from '../accept.js';
import type { PreparedMessage } from '../accept.js';
import { requireCredits } from '../credit-check.js';
import { idSource } from '../idempotency.js';
import type { ApiEnv, IngressContext } from '../ingress-context.js';
import { Problem } from '../problems.js';
import { readBody } from '../read-json.js';
import { broadcastResource, costResource } from '../representation.js';
import { broadcastBody, recipientError } from '../schemas.js';
import type { BroadcastBody } from '../schemas.js';
import { UUID } from './messages.js';

/** Records per producer.send: big enough to batch well, small enough to keep requests moderate. */
const CHUNK_RECORDS = 5000;
/** Rejected recipients listed in the answer; the count covers them all. */
const LISTED_REJECTIONS = 100;

/** A recipient left out of a broadcast, and why. */
interface RejectedRecipient {
  index: number;
  to: string;
  code: 'invalid_recipient' | 'recipient_opted_out';
}

/** Valid recipients, each once (at the index it first appears), and the rejected ones. */
function sortRecipients(body: BroadcastBody): { unique: Map<string, number>; rejected: RejectedRecipient[] } {
  const unique = new Map<string, number>();
  const rejected: RejectedRecipient[] = [];
  for (const [index, to] of body.recipients.entries()) {
    if (recipientError(body.channel, to) !== null) rejected.push({ index, to, code: 'invalid_recipient' });
    else if (!unique.has(to)) unique.set(to, index);
  }
  return { unique, rejected };
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/** `POST /v1/broadcasts` (one text to up to 100,000 recipients) and `GET /v1/broadcasts/:id`. */
export function broadcastsRoutes(deps: IngressContext) {
  const app = new Hono<ApiEnv>();

  app.post('/', async (c) => {
    const body = await readBody(c, broadcastBody);
    const tenantId = c.get('tenantId');
    const now = deps.clock();
    const ids = idSource(c.get('idSeed'));
    const broadcastId = ids('broadcast');
    const schedule = requireSchedule(body, now);
    const shape = shapeOf(body.channel, body.text);
    const { unique, rejected } = sortRecipients(body);
    const blocked = await optedOutRecipients(deps.pool, tenantId, body.channel, [...unique.keys()]);
    const prepared: PreparedMessage[] = [];
    for (const [to, index] of unique) {
      if (blocked.has(to)) rejected.push({ index, to, code: 'recipient_opted_out' });
      else {
        const draft = { body: { ...body, to }, schedule, shape, broadcastId };
        prepared.push(
          prepareMessage(draft, { tenantId, now, prices: deps.prices, ids, role: `recipient:${index}` }),
        );
      }
    }
    const costMicros = prepared.reduce((sum, each) => sum + each.costMicros, 0);
    await requireCredits(deps.lookups.availableMicros, tenantId, costMicros);
    const requestId = c.get('requestId');
    const records = prepared.map((each) => acceptedRecord(deps, each.accepted, requestId));
    await produceAll(deps, chunks(records, CHUNK_RECORDS), requestId);
    logAccepted(
      deps,
      prepared.map((each) => each.accepted),
      requestId,
    );
    c.header('Location', `/v1/broadcasts/${broadcastId}`);
    return c.json(
      {
        id: broadcastId,
        status: schedule.sendAt === null ? 'queued' : 'scheduled',
        accepted: prepared.length,
        rejected: rejected.length,
        rejected_recipients: rejected.sort((a, b) => a.index - b.index).slice(0, LISTED_REJECTIONS),
        parts: shape.parts,
        encoding: shape.encoding,
        cost: costResource(costMicros),
        send_at: schedule.sendAt === null ? null : new Date(schedule.sendAt).toISOString(),
      },
      202,
    );
  });

  app.get('/:id', async (c) => {
    const id = c.req.param('id');
    const summary = UUID.test(id) ? await broadcastSummary(deps.pool, c.get('tenantId'), id) : null;
    if (!summary)
      throw new Problem(404, 'not_found', 'Broadcast not found', `No broadcast ${id} for this account.`);
    return c.json(broadcastResource(summary));
  });

  return app;
}
