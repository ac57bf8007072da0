import { MESSAGE_STATUSES } from '@herald/domain';
import type { MessageState } from '@herald/domain';

const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

/** The public JSON shape of a message (snake_case, ISO-8601 times). */
export function messageResource(state: MessageState) {
  return {
    id: state.id,
    status: state.status,
    channel: state.channel,
    to: state.to,
    from: state.from,
    text: state.text,
    priority: state.priority,
    client_reference: state.clientReference,
    callback_url: state.callbackUrl,
    metadata: state.metadata,
    provider_id: state.providerId,
    provider_message_id: state.providerMessageId,
    error: state.errorCode ? { code: state.errorCode, message: state.errorMessage } : null,
    attempts: state.attempts,
    created_at: iso(state.createdAt),
    updated_at: iso(state.updatedAt),
    // In lifecycle order: Postgres jsonb does not keep the order keys were written in.
    status_times: Object.fromEntries(
      MESSAGE_STATUSES.filter((status) => state.statusTimes[status] !== undefined).map((status) => [
        status,
        iso(state.statusTimes[status]),
      ]),
    ),
  };
}
