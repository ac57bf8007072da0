/** An error Meta attaches to a `failed` status (or to a whole webhook value). */
export interface WhatsAppWebhookError {
  code: number;
  title: string;
  message?: string;
  error_data?: { details: string };
  href?: string;
}

/** One entry of `value.statuses`: a status change of a message the business sent. */
export interface WhatsAppStatusObject {
  id: string;
  status: string;
  /** Unix seconds, as a string. */
  timestamp: string;
  recipient_id: string;
  conversation?: { id: string; expiration_timestamp?: string; origin: { type: string } };
  pricing?: { billable: boolean; pricing_model: string; category: string };
  errors?: WhatsAppWebhookError[];
}

/** The `value` of a `messages` change. Inbound `messages` and `contacts` exist too; Herald ignores them. */
export interface WhatsAppChangeValue {
  messaging_product: 'whatsapp';
  metadata: { display_phone_number: string; phone_number_id: string };
  statuses?: WhatsAppStatusObject[];
  messages?: unknown[];
  contacts?: unknown[];
  errors?: WhatsAppWebhookError[];
}

/** The body Meta POSTs to a WhatsApp Business Account's webhook. */
export interface WhatsAppWebhookPayload {
  object: 'whatsapp_business_account';
  entry: { id: string; changes: { field: string; value: WhatsAppChangeValue }[] }[];
}

/** A status change, flattened and checked, with the phone number it concerns. */
export interface WhatsAppStatusUpdate {
  phoneNumberId: string;
  /** The wamid the send answered with: Herald's provider message id. */
  wamid: string;
  /** Meta's status string, verbatim; see mapWhatsAppStatus. */
  status: string;
  /** When Meta says it happened (epoch ms); null when the timestamp is missing or malformed. */
  timestamp: number | null;
  recipientId: string | null;
  /** The first error of a `failed` status; null otherwise. */
  error: { code: number; message: string } | null;
}

/** What a webhook body holds, or why it is not a WhatsApp Business Account webhook. */
export type ParsedWhatsAppWebhook =
  { ok: true; statuses: WhatsAppStatusUpdate[]; ignoredChanges: number } | { ok: false; reason: string };

/**
 * Reads the status updates out of a webhook body (already JSON-parsed, after its signature was
 * checked). Changes that are not message statuses (inbound messages, template or account updates)
 * are counted, not rejected: Meta sends them to the same URL.
 */
export function parseWhatsAppWebhook(body: unknown): ParsedWhatsAppWebhook {
  if (!isRecord(body) || body.object !== 'whatsapp_business_account' || !Array.isArray(body.entry)) {
    return { ok: false, reason: "expected { object: 'whatsapp_business_account', entry: [...] }" };
  }
  const statuses: WhatsAppStatusUpdate[] = [];
  let ignoredChanges = 0;
  for (const entry of body.entry) {
    const changes = isRecord(entry) && Array.isArray(entry.changes) ? entry.changes : null;
    if (changes === null) return { ok: false, reason: 'an entry has no changes array' };
    for (const change of changes) {
      const parsed = parseChange(change);
      if (parsed === 'invalid')
        return { ok: false, reason: 'a messages change has no valid metadata or statuses' };
      if (parsed === null) ignoredChanges += 1;
      else statuses.push(...parsed);
    }
  }
  return { ok: true, statuses, ignoredChanges };
}

function parseChange(change: unknown): WhatsAppStatusUpdate[] | null | 'invalid' {
  if (!isRecord(change) || change.field !== 'messages' || !isRecord(change.value)) return null;
  const { metadata, statuses } = change.value;
  if (statuses === undefined) return null;
  const phoneNumberId = isRecord(metadata) ? metadata.phone_number_id : undefined;
  if (typeof phoneNumberId !== 'string' || phoneNumberId === '' || !Array.isArray(statuses)) return 'invalid';
  const updates: WhatsAppStatusUpdate[] = [];
  for (const status of statuses) {
    const update = parseStatus(phoneNumberId, status);
    if (update === null) return 'invalid';
    updates.push(update);
  }
  return updates;
}

function parseStatus(phoneNumberId: string, status: unknown): WhatsAppStatusUpdate | null {
  if (!isRecord(status) || !nonEmpty(status.id) || !nonEmpty(status.status)) return null;
  return {
    phoneNumberId,
    wamid: status.id,
    status: status.status,
    timestamp: secondsToMs(status.timestamp),
    recipientId: nonEmpty(status.recipient_id) ? status.recipient_id : null,
    error: firstError(status.errors),
  };
}

function firstError(errors: unknown): WhatsAppStatusUpdate['error'] {
  const first: unknown = Array.isArray(errors) ? errors[0] : undefined;
  if (!isRecord(first) || typeof first.code !== 'number' || !Number.isInteger(first.code)) return null;
  const data = isRecord(first.error_data) ? first.error_data : null;
  const text = [first.message, first.title, data?.details].find(nonEmpty);
  return { code: first.code, message: text ?? `WhatsApp error ${first.code}` };
}

function secondsToMs(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d{1,12}$/.test(value)) return null;
  return Number(value) * 1000;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
