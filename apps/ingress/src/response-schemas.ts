import { z } from 'zod';
import { CHANNELS, MESSAGE_STATUSES, PRIORITIES, STATUS_DESCRIPTIONS } from '@herald/domain';

// What the API answers, for the OpenAPI document; the e2e tests parse real answers with these
// (strict objects), so an undocumented or missing field fails a test instead of drifting.

const time = z.iso.datetime();
const nullableTime = time.nullable();

/** Every status and what it means. */
export const statusSchema = z
  .enum(MESSAGE_STATUSES)
  .describe(MESSAGE_STATUSES.map((status) => `\`${status}\`: ${STATUS_DESCRIPTIONS[status]}`).join('\n'));

/** RFC 9457 problem details, the body of every error. */
export const problemSchema = z.strictObject({
  type: z.url().describe('URI naming the problem type; ends with the code.'),
  title: z.string(),
  status: z.int(),
  code: z.string().describe('Stable machine-readable code; switch on this, never on text.'),
  detail: z.string().optional(),
  errors: z
    .array(z.strictObject({ field: z.string(), message: z.string() }))
    .optional()
    .describe('Field errors of a validation failure; `field` is a dotted path.'),
  instance: z.string(),
  request_id: z.string(),
});

/** A price. */
export const costSchema = z.strictObject({
  credits: z.string().describe('Decimal credits, e.g. "0.02".'),
  micros: z.int().describe('Integer micro-credits (1 credit = 1,000,000).'),
});

/** A message as the API shows it. */
export const messageSchema = z.strictObject({
  id: z.uuid(),
  status: statusSchema,
  channel: z.enum(CHANNELS).nullable(),
  to: z.string(),
  from: z.string().nullable(),
  text: z.string().nullable(),
  priority: z.enum(PRIORITIES).nullable(),
  client_reference: z.string().nullable(),
  callback_url: z.string().nullable(),
  metadata: z.record(z.string(), z.string()).nullable(),
  parts: z.int().describe('Parts (SMS segments) it is billed as.'),
  encoding: z.string().nullable().describe('SMS encoding (`GSM-7` or `UCS-2`); null on other channels.'),
  cost: costSchema,
  send_at: nullableTime,
  expires_at: nullableTime,
  broadcast_id: z.uuid().nullable(),
  provider_id: z.string().nullable(),
  provider_message_id: z.string().nullable(),
  error: z.strictObject({ code: z.string(), message: z.string().nullable() }).nullable(),
  attempts: z.int(),
  created_at: nullableTime,
  updated_at: nullableTime,
  cancel_requested_at: nullableTime,
  status_times: z.record(z.string(), time).describe('When each status was first reported.'),
});

/** A cancellation the router has not answered yet. */
export const pendingCancellationSchema = messageSchema.extend({ cancellation: z.literal('pending') });

const cursor = z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.');

/** A page of messages. */
export const messagePageSchema = z.strictObject({ data: z.array(messageSchema), next_cursor: cursor });

/** A message's timeline. */
export const timelineSchema = z.strictObject({
  data: z.array(
    z.strictObject({
      id: z.uuid().describe('Event id.'),
      type: z.string().describe('Event type, e.g. MessageDelivered.'),
      status: statusSchema.nullable().describe('The status the event moves the message to (null: none).'),
      occurred_at: time,
      details: z.record(z.string(), z.unknown()),
    }),
  ),
});

const itemErrorSchema = z.strictObject({
  code: z.string(),
  detail: z.string(),
  errors: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
});

/** The answer to a batch: one result per item, in order. */
export const batchResultSchema = z.strictObject({
  accepted: z.int(),
  rejected: z.int(),
  results: z.array(
    z.union([
      messageSchema.extend({ index: z.int() }),
      z.strictObject({ index: z.int(), error: itemErrorSchema }),
    ]),
  ),
});

/** The answer to a broadcast. */
export const broadcastAcceptedSchema = z.strictObject({
  id: z.uuid(),
  status: z.enum(['queued', 'scheduled']),
  accepted: z.int().describe('Distinct recipients accepted (each is one message).'),
  rejected: z.int(),
  rejected_recipients: z
    .array(
      z.strictObject({
        index: z.int(),
        to: z.string(),
        code: z.enum(['invalid_recipient', 'recipient_opted_out']),
      }),
    )
    .describe('The first 100 rejected recipients, by index.'),
  parts: z.int(),
  encoding: z.string().nullable(),
  cost: costSchema.describe('Total of every accepted message.'),
  send_at: nullableTime,
});

/** Where a broadcast's messages stand. */
export const broadcastSchema = z.strictObject({
  id: z.uuid(),
  channel: z.enum(CHANNELS).nullable(),
  total: z.int().describe('Messages of the broadcast recorded so far.'),
  counts: z.record(statusSchema, z.int()).describe('Messages per status; every status is present.'),
  created_at: nullableTime,
});

/** An entry of the opt-out list. */
export const optOutSchema = z.strictObject({
  recipient: z.string(),
  channel: z.enum(CHANNELS).nullable().describe('Null: every channel.'),
  source: z.enum(['api', 'keyword']),
  created_at: time,
});

/** A page of the opt-out list. */
export const optOutPageSchema = z.strictObject({ data: z.array(optOutSchema), next_cursor: cursor });
