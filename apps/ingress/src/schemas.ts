import { z } from 'zod';
import { CHANNELS, MESSAGE_STATUSES, PRIORITIES, textLimitFor } from '@herald/domain';
import type { Channel } from '@herald/domain';
import type { FieldError } from './problems.js';

// These schemas validate requests AND generate the OpenAPI document (openapi.ts), so a rule
// written here is documented by construction. Rules that need the clock live in accept.ts.

const E164 = /^\+[1-9]\d{6,14}$/;
// Telegram chat ids are integers (negative for groups) or a public @channelusername.
const TELEGRAM_CHAT = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/;

/** Why `to` is not an address on `channel`, or null when it is one. */
export function recipientError(channel: Channel, to: string): string | null {
  if (channel === 'telegram')
    return TELEGRAM_CHAT.test(to) ? null : 'expected a Telegram chat id or @channel';
  return E164.test(to) ? null : 'expected an E.164 number such as +14155550100';
}

/** Most messages in one batch request. */
export const MAX_BATCH_MESSAGES = 1000;
/** Most recipients of one broadcast. */
export const MAX_BROADCAST_RECIPIENTS = 100_000;
/** How far ahead `send_at` may be. */
export const MAX_SCHEDULE_DAYS = 30;

const channel = z.enum(CHANNELS).describe('Delivery channel.');
const recipient = z
  .string()
  .min(1)
  .max(64)
  .describe('Recipient: E.164 number for sms/whatsapp, chat id or @channel for telegram.');

// The fields a message shares with a broadcast; a broadcast has `recipients` instead of `to`.
const messageFields = {
  channel,
  from: z
    .string()
    .min(1)
    .max(32)
    .nullish()
    .describe('Sender id or number; the provider default when omitted.'),
  text: z.string().min(1).describe('Message body (UTF-8); at most 1600 UTF-16 units on sms, 4096 elsewhere.'),
  priority: z.enum(PRIORITIES).default('normal').describe('Dispatch lane.'),
  client_reference: z.string().min(1).max(128).nullish().describe('Your own reference, echoed back.'),
  send_at: z.iso
    .datetime({ offset: true })
    .nullish()
    .describe(`ISO-8601 time to send at: in the future and at most ${MAX_SCHEDULE_DAYS} days ahead.`),
  validity_seconds: z
    .int()
    .min(60)
    .max(259_200)
    .nullish()
    .describe('Expire the message when it has not been sent this many seconds after send_at (or now).'),
  callback_url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .nullish()
    .describe('Per-message status webhook URL.'),
  metadata: z
    .record(z.string().max(64), z.string().max(512))
    .refine((value) => Object.keys(value).length <= 20, 'at most 20 keys')
    .nullish()
    .describe('Up to 20 string key/value pairs, echoed back.'),
};

function checkText(body: { channel: Channel; text: string }, ctx: z.RefinementCtx): void {
  const limit = textLimitFor(body.channel);
  if (body.text.length > limit)
    ctx.addIssue({
      code: 'custom',
      path: ['text'],
      message: `at most ${limit} characters on ${body.channel}`,
    });
}

/** Body of `POST /v1/messages`; unknown fields are refused so typos never pass silently. */
export const sendMessageBody = z
  .strictObject({ ...messageFields, to: recipient })
  .superRefine((body, ctx) => {
    const problem = recipientError(body.channel, body.to);
    if (problem !== null) ctx.addIssue({ code: 'custom', path: ['to'], message: problem });
    checkText(body, ctx);
  });

/** A validated message request. */
export type SendMessageBody = z.infer<typeof sendMessageBody>;

/** Body of `POST /v1/messages/batch`: each item is validated on its own (see routes/batch.ts). */
export const batchBody = z.strictObject({
  messages: z
    .array(sendMessageBody)
    .min(1)
    .max(MAX_BATCH_MESSAGES)
    .describe(`1 to ${MAX_BATCH_MESSAGES} messages, each like the body of POST /v1/messages.`),
});

/** Body of `POST /v1/broadcasts`; each recipient is checked on its own, a bad one is only rejected. */
export const broadcastBody = z
  .strictObject({
    ...messageFields,
    recipients: z
      .array(z.string().max(64))
      .min(1)
      .max(MAX_BROADCAST_RECIPIENTS)
      .describe(`1 to ${MAX_BROADCAST_RECIPIENTS} recipients; duplicates are sent once.`),
  })
  .superRefine(checkText);

/** A validated broadcast request. */
export type BroadcastBody = z.infer<typeof broadcastBody>;

const isoTime = z.iso.datetime({ offset: true });

/** Query of `GET /v1/messages`. */
export const listMessagesQuery = z.strictObject({
  status: z.enum(MESSAGE_STATUSES).optional().describe('Only messages in this status.'),
  channel: channel.optional().describe('Only messages on this channel.'),
  to: recipient.optional().describe('Only messages to this recipient.'),
  client_reference: z.string().min(1).max(128).optional().describe('Only messages with this reference.'),
  broadcast_id: z.uuid().optional().describe('Only messages of this broadcast.'),
  created_after: isoTime.optional().describe('Only messages accepted at or after this time.'),
  created_before: isoTime.optional().describe('Only messages accepted before this time.'),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Page size.'),
  cursor: z.string().min(1).max(200).optional().describe('`next_cursor` of the previous page.'),
});

/** Path of the routes on one message or broadcast. */
export const idParams = z.strictObject({ id: z.string().describe('The id Herald returned.') });

/** Body of `POST /v1/opt-outs`. */
export const optOutBody = z
  .strictObject({
    recipient,
    channel: channel.nullish().describe('The channel to block; every channel when omitted.'),
  })
  .superRefine((body, ctx) => {
    const channels: Channel[] = body.channel ? [body.channel] : ['sms', 'telegram'];
    const problems = channels.map((each) => recipientError(each, body.recipient));
    if (problems.every((problem) => problem !== null)) {
      const message = body.channel ? problems[0] : 'expected an E.164 number or a Telegram chat id';
      ctx.addIssue({ code: 'custom', path: ['recipient'], message: message ?? 'invalid recipient' });
    }
  });

/** Query of `GET /v1/opt-outs`. */
export const listOptOutsQuery = z.strictObject({
  recipient: recipient.optional().describe('Only entries of this recipient.'),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Page size.'),
  cursor: z.string().min(1).max(200).optional().describe('`next_cursor` of the previous page.'),
});

/** Path of `DELETE /v1/opt-outs/{recipient}`. */
export const optOutParams = z.strictObject({
  recipient: recipient.describe('The blocked recipient (URL-encoded).'),
});

/** Query of `DELETE /v1/opt-outs/{recipient}`. */
export const deleteOptOutQuery = z.strictObject({
  channel: z
    .enum([...CHANNELS, 'all'])
    .optional()
    .describe('Remove only this channel’s entry (`all`: the every-channel entry); every entry when omitted.'),
});

/** Turns zod issues into problem-details field errors (`field` is a dotted path). */
export function fieldErrors(
  error: Pick<z.ZodError, 'issues'>,
  prefix: readonly PropertyKey[] = [],
): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.slice(prefix.length);
    return {
      field: path.length > 0 ? path.join('.') : '(body)',
      message:
        issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
    };
  });
}
