import type { TwilioMessageStatus } from '@herald/transports';

/** A message as the simulated Twilio account remembers it. */
export interface StoredMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  body: string;
  messagingServiceSid: string | null;
  statusCallback: string | null;
  numSegments: number;
  status: TwilioMessageStatus;
  errorCode: number | null;
  dateCreated: Date;
  dateUpdated: Date;
  dateSent: Date | null;
}

/** Messages by sid, forgetting the oldest beyond a bound (a Map iterates in insertion order). */
export class MessageStore {
  readonly #messages = new Map<string, StoredMessage>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  add(message: StoredMessage): void {
    this.#messages.set(message.sid, message);
    if (this.#messages.size <= this.#capacity) return;
    const oldest = this.#messages.keys().next();
    if (oldest.done !== true) this.#messages.delete(oldest.value);
  }

  get(sid: string): StoredMessage | undefined {
    return this.#messages.get(sid);
  }
}

/** The Message resource JSON, field for field as Twilio's API answers it. */
export function toMessageResource(message: StoredMessage): Record<string, unknown> {
  const uri = `/2010-04-01/Accounts/${message.accountSid}/Messages/${message.sid}`;
  return {
    account_sid: message.accountSid,
    api_version: '2010-04-01',
    body: message.body,
    date_created: rfc2822(message.dateCreated),
    date_sent: message.dateSent === null ? null : rfc2822(message.dateSent),
    date_updated: rfc2822(message.dateUpdated),
    direction: 'outbound-api',
    error_code: message.errorCode,
    error_message: null,
    from: message.from,
    messaging_service_sid: message.messagingServiceSid,
    num_media: '0',
    num_segments: String(message.numSegments),
    price: null,
    price_unit: 'USD',
    sid: message.sid,
    status: message.status,
    subresource_uris: { media: `${uri}/Media.json` },
    to: message.to,
    uri: `${uri}.json`,
  };
}

/** Twilio writes dates as RFC 2822 with a numeric zone: "Thu, 24 Aug 2023 05:01:45 +0000". */
function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}
