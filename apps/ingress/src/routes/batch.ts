import { Hono } from 'hono';
import type { Channel } from '@herald/domain';
import { optedOutRecipients } from '@herald/store';
import { acceptedRecord, logAccepted, prepareMessage, produceAll, scheduleOf, shapeOf } from '../accept.js';
import type { PreparedMessage } from '../accept.js';
import { idSource } from '../idempotency.js';
import type { ApiEnv, IngressContext } from '../ingress-context.js';
import type { FieldError, ProblemCode } from '../problems.js';
import { Problem } from '../problems.js';
import { readJson } from '../read-json.js';
import { acceptedResource } from '../representation.js';
import { batchBody, fieldErrors, sendMessageBody } from '../schemas.js';
import type { SendMessageBody } from '../schemas.js';

/** Why one item of a batch was not accepted. */
interface ItemError {
  code: ProblemCode;
  detail: string;
  errors?: FieldError[];
}

type Item = { index: number; body: SendMessageBody } | { index: number; error: ItemError };
type Prepared = { index: number; prepared: PreparedMessage };

const itemInvalid = (errors: FieldError[]): ItemError => ({
  code: 'validation_failed',
  detail: 'This message is invalid.',
  errors,
});

/**
 * Validates the envelope as a whole (400 when it is not an object with 1 to 1000 messages) and each
 * item on its own, so one bad item is reported in its place and never fails the others.
 */
function splitBatch(raw: unknown): Item[] {
  const parsed = batchBody.safeParse(raw);
  if (parsed.success) return parsed.data.messages.map((body, index) => ({ index, body }));
  const envelope = parsed.error.issues.filter(
    (issue) => !(issue.path[0] === 'messages' && typeof issue.path[1] === 'number'),
  );
  if (envelope.length > 0)
    throw new Problem(
      400,
      'validation_failed',
      'The request body is invalid',
      undefined,
      fieldErrors({ issues: envelope }),
    );
  const items =
    typeof raw === 'object' && raw !== null && 'messages' in raw && Array.isArray(raw.messages)
      ? raw.messages
      : [];
  return items.map((item: unknown, index): Item => {
    const one = sendMessageBody.safeParse(item);
    return one.success ? { index, body: one.data } : { index, error: itemInvalid(fieldErrors(one.error)) };
  });
}

async function optedOutIndexes(
  deps: IngressContext,
  tenantId: string,
  items: Prepared[],
): Promise<Set<number>> {
  const byChannel = new Map<Channel, string[]>();
  for (const { prepared } of items) {
    const { channel, to } = prepared.accepted;
    byChannel.set(channel, [...(byChannel.get(channel) ?? []), to]);
  }
  const blocked = new Map<Channel, Set<string>>();
  await Promise.all(
    [...byChannel].map(async ([channel, recipients]) =>
      blocked.set(channel, await optedOutRecipients(deps.pool, tenantId, channel, recipients)),
    ),
  );
  return new Set(
    items
      .filter(({ prepared }) => blocked.get(prepared.accepted.channel)?.has(prepared.accepted.to))
      .map(({ index }) => index),
  );
}

// Items are paid for in order while the balance lasts; the rest are refused one by one.
async function unaffordableIndexes(
  deps: IngressContext,
  tenantId: string,
  items: Prepared[],
): Promise<Set<number>> {
  if (items.every(({ prepared }) => prepared.costMicros <= 0)) return new Set();
  let left = await deps.lookups.availableMicros(tenantId);
  const refused = new Set<number>();
  for (const { index, prepared } of items) {
    if (prepared.costMicros > left) refused.add(index);
    else left -= prepared.costMicros;
  }
  return refused;
}

/** `POST /v1/messages/batch`: up to 1000 messages, accepted or rejected one by one, in one produce. */
export function batchRoutes(deps: IngressContext) {
  const app = new Hono<ApiEnv>();

  app.post('/', async (c) => {
    const items = splitBatch(await readJson(c));
    const tenantId = c.get('tenantId');
    const now = deps.clock();
    const ids = idSource(c.get('idSeed'));
    const errors = new Map<number, ItemError>();
    const prepared: Prepared[] = [];
    for (const item of items) {
      if ('error' in item) {
        errors.set(item.index, item.error);
        continue;
      }
      const schedule = scheduleOf(item.body, now);
      if (Array.isArray(schedule)) {
        errors.set(item.index, itemInvalid(schedule));
        continue;
      }
      const draft = {
        body: item.body,
        schedule,
        shape: shapeOf(item.body.channel, item.body.text),
        broadcastId: null,
      };
      prepared.push({
        index: item.index,
        prepared: prepareMessage(draft, {
          tenantId,
          now,
          prices: deps.prices,
          ids,
          role: `item:${item.index}`,
        }),
      });
    }
    const blocked = await optedOutIndexes(deps, tenantId, prepared);
    for (const index of blocked)
      errors.set(index, {
        code: 'recipient_opted_out',
        detail: 'The recipient is on this account’s opt-out list.',
      });
    const unblocked = prepared.filter(({ index }) => !blocked.has(index));
    const unpaid = await unaffordableIndexes(deps, tenantId, unblocked);
    for (const index of unpaid)
      errors.set(index, { code: 'insufficient_credits', detail: 'The balance does not cover this message.' });
    const accepted = unblocked.filter(({ index }) => !unpaid.has(index));
    const requestId = c.get('requestId');
    // One send: the BatchingProducer puts the whole request in one acks=-1 produce call.
    await produceAll(
      deps,
      [accepted.map(({ prepared: p }) => acceptedRecord(deps, p.accepted, requestId))],
      requestId,
    );
    logAccepted(
      deps,
      accepted.map(({ prepared: p }) => p.accepted),
      requestId,
    );
    const done = new Map(
      accepted.map(({ index, prepared: p }) => [index, { index, ...acceptedResource(p.accepted) }]),
    );
    return c.json(
      {
        accepted: accepted.length,
        rejected: errors.size,
        results: items.map(({ index }) => done.get(index) ?? { index, error: errors.get(index) }),
      },
      202,
    );
  });

  return app;
}
