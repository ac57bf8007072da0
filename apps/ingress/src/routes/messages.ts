import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { acceptMessage, evolve } from '@herald/domain';
import { encodeEvent, eventHeaders } from '@herald/kafka';
import type { BatchingProducer, SchemaCatalog } from '@herald/kafka';
import { findMessage } from '@herald/store';
import type { Pool } from '@herald/store';
import type { Logger } from '@herald/telemetry';
import type { AuthVariables } from '../auth.js';
import { Problem } from '../problems.js';
import { readJson } from '../read-json.js';
import { messageResource } from '../representation.js';
import { fieldErrors, sendMessageBody } from '../schemas.js';

/** What the messages routes need from the process. */
export interface MessagesDeps {
  pool: Pool;
  producer: BatchingProducer;
  catalog: SchemaCatalog;
  requestedTopic: string;
  clock: () => number;
  log: Logger;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `POST /v1/messages` (202 once Kafka has the event) and `GET /v1/messages/:id`. */
export function messagesRoutes(deps: MessagesDeps) {
  const app = new Hono<{ Variables: AuthVariables & { requestId: string } }>();

  app.post('/', async (c) => {
    const parsed = sendMessageBody.safeParse(await readJson(c));
    if (!parsed.success) {
      throw new Problem(
        400,
        'validation_failed',
        'The request body is invalid',
        undefined,
        fieldErrors(parsed.error),
      );
    }
    const body = parsed.data;
    const messageId = randomUUID();
    const decision = acceptMessage(
      {
        type: 'AcceptMessage',
        messageId,
        tenantId: c.get('tenantId'),
        eventId: randomUUID(),
        now: deps.clock(),
        message: {
          channel: body.channel,
          to: body.to,
          from: body.from ?? null,
          text: body.text,
          priority: body.priority,
          clientReference: body.client_reference ?? null,
          callbackUrl: body.callback_url ?? null,
          metadata: body.metadata ?? null,
        },
      },
      null,
    );
    if (!decision.ok)
      throw new Problem(500, 'internal_error', 'Message could not be accepted', decision.error.message);
    const [accepted] = decision.value;
    const headers = { ...eventHeaders(accepted), 'request-id': c.get('requestId') };
    try {
      await deps.producer.send([
        {
          topic: deps.requestedTopic,
          key: accepted.to,
          value: encodeEvent(deps.catalog, deps.requestedTopic, accepted),
          headers,
        },
      ]);
    } catch (error) {
      deps.log.error({ err: error, requestId: c.get('requestId'), messageId }, 'produce to Kafka failed');
      throw new Problem(
        503,
        'kafka_unavailable',
        'The message could not be stored',
        'Nothing was accepted; retry later.',
        undefined,
        {
          'Retry-After': '1',
        },
      );
    }
    c.header('Location', `/v1/messages/${messageId}`);
    return c.json(messageResource(evolve(null, accepted)), 202);
  });

  app.get('/:id', async (c) => {
    const id = c.req.param('id');
    // Unknown, malformed and other tenants' ids all answer the same 404: ids are not an oracle.
    const state = UUID.test(id) ? await findMessage(deps.pool, c.get('tenantId'), id) : null;
    if (!state)
      throw new Problem(404, 'not_found', 'Message not found', `No message ${id} for this account.`);
    return c.json(messageResource(state));
  });

  return app;
}
