import { Hono } from 'hono';
import type { Context } from 'hono';
import { EVENT_TYPES } from '@herald/contracts';
import { eventStatus } from '@herald/domain';
import type { MessageEvent, MessageState } from '@herald/domain';
import { findMessage, listMessages, messageTimeline } from '@herald/store';
import {
  acceptedRecord,
  logAccepted,
  prepareMessage,
  produceAll,
  requireSchedule,
  shapeOf,
} from '../accept.js';
import { requestCancel } from '../cancel.js';
import { requireCredits } from '../credit-check.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { idSource } from '../idempotency.js';
import type { ApiEnv, IngressContext } from '../ingress-context.js';
import { Problem } from '../problems.js';
import { readBody, readQuery } from '../read-json.js';
import { acceptedResource, messageResource, timelineResource } from '../representation.js';
import { listMessagesQuery, sendMessageBody } from '../schemas.js';

/** Ids Herald hands out; anything else is answered like an unknown id. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The 422 for a recipient on the tenant's opt-out list. */
export const optedOut = (to: string) =>
  new Problem(
    422,
    'recipient_opted_out',
    'Recipient opted out',
    `${to} is on this account's opt-out list; remove it there to message it again.`,
  );

/** The tenant's message `id`, or the 404 that unknown, malformed and foreign ids all get alike. */
export async function ownMessage(deps: IngressContext, c: Context<ApiEnv>): Promise<MessageState> {
  const id = c.req.param('id') ?? '';
  const state = UUID.test(id) ? await findMessage(deps.pool, c.get('tenantId'), id) : null;
  if (!state) throw new Problem(404, 'not_found', 'Message not found', `No message ${id} for this account.`);
  return state;
}

/** Send, list, show, timeline and cancel of single messages under `/v1/messages`. */
export function messagesRoutes(deps: IngressContext) {
  const app = new Hono<ApiEnv>();

  app.post('/', async (c) => {
    const body = await readBody(c, sendMessageBody);
    const now = deps.clock();
    const tenantId = c.get('tenantId');
    const prepared = prepareMessage(
      {
        body,
        schedule: requireSchedule(body, now),
        shape: shapeOf(body.channel, body.text),
        broadcastId: null,
      },
      { tenantId, now, prices: deps.prices, ids: idSource(c.get('idSeed')), role: 'message' },
    );
    const [blocked] = await Promise.all([
      deps.lookups.isOptedOut({ tenantId, channel: body.channel, recipient: body.to }),
      requireCredits(deps.lookups.availableMicros, tenantId, prepared.costMicros),
    ]);
    if (blocked) throw optedOut(body.to);
    await produceAll(
      deps,
      [[acceptedRecord(deps, prepared.accepted, c.get('requestId'))]],
      c.get('requestId'),
    );
    logAccepted(deps, [prepared.accepted], c.get('requestId'));
    c.header('Location', `/v1/messages/${prepared.accepted.messageId}`);
    return c.json(acceptedResource(prepared.accepted), 202);
  });

  app.get('/', async (c) => {
    const query = readQuery(c, listMessagesQuery);
    const after = query.cursor ? decodeCursor(query.cursor, [/^\d{1,20}$/, UUID]) : undefined;
    const page = await listMessages(
      deps.pool,
      c.get('tenantId'),
      {
        status: query.status,
        channel: query.channel,
        to: query.to,
        clientReference: query.client_reference,
        broadcastId: query.broadcast_id,
        createdAfter: query.created_after === undefined ? undefined : Date.parse(query.created_after),
        createdBefore: query.created_before === undefined ? undefined : Date.parse(query.created_before),
      },
      { limit: query.limit, after: after && { createdAtMicros: after[0] ?? '', id: after[1] ?? '' } },
    );
    return c.json({
      data: page.messages.map(messageResource),
      next_cursor: page.next ? encodeCursor([page.next.createdAtMicros, page.next.id]) : null,
    });
  });

  app.get('/:id', async (c) => c.json(messageResource(await ownMessage(deps, c))));

  app.get('/:id/events', async (c) => {
    const message = await ownMessage(deps, c);
    const entries = await messageTimeline(deps.pool, c.get('tenantId'), message.id);
    return c.json({
      data: entries.map((entry) => timelineResource(entry, statusOf(entry.type, entry.data))),
    });
  });

  app.post('/:id/cancel', async (c) => requestCancel(deps, c, await ownMessage(deps, c)));

  return app;
}

const EVENT_TYPE_NAMES: ReadonlySet<string> = new Set(EVENT_TYPES);

// The domain decides what status each event type moves a message to; it reads only the type.
function statusOf(type: string, data: Record<string, unknown>) {
  return EVENT_TYPE_NAMES.has(type) ? eventStatus({ ...data, type } as MessageEvent) : null;
}
