import type { EventType } from '@herald/contracts';

/** Every event type a webhook can carry, in the order of a message's life. */
export const WEBHOOK_EVENT_TYPES = [
  'message.accepted',
  'message.scheduled',
  'message.cancelled',
  'message.expired',
  'message.sending',
  'message.sent',
  'message.delivered',
  'message.read',
  'message.undelivered',
  'message.failed',
] as const;

/** Name of a webhook event type, as tenants see it. */
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * The webhook type of each Herald event type, or null when clients are not told about it.
 * Typed over every `EventType`, so a new Herald event does not compile until it is mapped here.
 */
const WEBHOOK_TYPE_OF = {
  MessageAccepted: 'message.accepted',
  MessageScheduled: 'message.scheduled',
  // A request is not an outcome: the client hears `message.cancelled` once it is honoured.
  MessageCancelRequested: null,
  MessageCancelled: 'message.cancelled',
  MessageExpired: 'message.expired',
  MessageRouted: 'message.sending',
  MessageSent: 'message.sent',
  MessageDelivered: 'message.delivered',
  MessageRead: 'message.read',
  MessageUndelivered: 'message.undelivered',
  MessageFailed: 'message.failed',
} as const satisfies Record<EventType, WebhookEventType | null>;

/** The webhook event type of a Herald event type, or null when none is sent for it. */
export function webhookEventTypeOf(type: EventType): WebhookEventType | null {
  return WEBHOOK_TYPE_OF[type];
}

/** A validated subscription pattern: one event type, `<group>.*`, or `*` for everything. */
export type EventFilter = WebhookEventType | `${string}.*` | '*';

/** Raised when a filter names no known event type; `pattern` is the offending input. */
export class EventFilterError extends Error {
  readonly code = 'unknown_event_type';
  constructor(readonly pattern: string) {
    super(
      `unknown event type filter "${pattern}"; expected one of ${WEBHOOK_EVENT_TYPES.join(', ')}, ` +
        `a group such as message.*, or *`,
    );
    this.name = 'EventFilterError';
  }
}

const WEBHOOK_TYPE_SET: ReadonlySet<string> = new Set(WEBHOOK_EVENT_TYPES);
const GROUPS: ReadonlySet<string> = new Set(WEBHOOK_EVENT_TYPES.map((type) => groupOf(type)));

/** The pattern as an EventFilter, or an EventFilterError when it could never match a type. */
export function parseFilter(pattern: string): EventFilter {
  if (pattern === '*' || isWebhookEventType(pattern)) return pattern;
  if (isGroupPattern(pattern)) return pattern;
  throw new EventFilterError(pattern);
}

/** True when the type is subscribed to by the filters; no filters at all means every type. */
export function matches(filters: readonly EventFilter[], type: WebhookEventType): boolean {
  if (filters.length === 0) return true;
  const group = `${groupOf(type)}.*`;
  return filters.some((filter) => filter === '*' || filter === type || filter === group);
}

/** True when the text is exactly one of the webhook event types. */
export function isWebhookEventType(text: string): text is WebhookEventType {
  return WEBHOOK_TYPE_SET.has(text);
}

/** True for `<group>.*` when the group has at least one event type. */
function isGroupPattern(text: string): text is `${string}.*` {
  return text.endsWith('.*') && GROUPS.has(text.slice(0, -2));
}

function groupOf(type: string): string {
  return type.slice(0, type.indexOf('.'));
}
