import type { Context } from 'hono';
import { isCancellable, requestCancellation } from '@herald/domain';
import type { MessageState } from '@herald/domain';
import { encodeEvent, eventHeaders } from '@herald/kafka';
import { findMessage } from '@herald/store';
import { produceAll } from './accept.js';
import { idSource } from './idempotency.js';
import type { ApiEnv, IngressContext } from './ingress-context.js';
import { Problem } from './problems.js';
import { messageResource } from './representation.js';
import { waitFor } from './wait.js';

const POLL_MS = 50;

const notCancellable = (state: MessageState) =>
  new Problem(
    409,
    'message_not_cancellable',
    'Message not cancellable',
    `Message ${state.id} is ${state.status}; only queued and scheduled messages can be cancelled.`,
  );

/**
 * `POST /v1/messages/:id/cancel`: the router decides, because only it knows whether it routed the
 * message first. The request goes on the requested topic (same partition as the accept, so the
 * router sees it in order), then the read model is watched for the outcome: cancelled (200), routed
 * meanwhile (409), or no answer within the wait (202, `cancellation: pending`).
 */
export async function requestCancel(
  deps: IngressContext,
  c: Context<ApiEnv>,
  state: MessageState,
): Promise<Response> {
  const decision = requestCancellation(state, {
    eventId: idSource(c.get('idSeed'))('cancel'),
    now: deps.clock(),
  });
  if (!decision.ok) throw notCancellable(state);
  const [requested] = decision.value;
  const requestId = c.get('requestId');
  const topic = deps.topics.requested;
  await produceAll(
    deps,
    [
      [
        {
          topic,
          key: requested.to,
          value: encodeEvent(deps.catalog, topic, requested),
          headers: { ...eventHeaders(requested), 'request-id': requestId },
        },
      ],
    ],
    requestId,
  );
  const outcome = await waitFor(deps.cancelWaitMs, POLL_MS, async () => {
    const current = await findMessage(deps.pool, state.tenantId, state.id);
    return current !== null && !isCancellable(current) ? current : null;
  });
  if (outcome === null) return c.json({ ...messageResource(state), cancellation: 'pending' }, 202);
  if (outcome.status === 'cancelled') return c.json(messageResource(outcome), 200);
  // Routed (or expired) before the router saw the request.
  throw notCancellable(outcome);
}
