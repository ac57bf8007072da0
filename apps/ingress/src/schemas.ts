import { z } from 'zod';

const E164 = /^\+[1-9]\d{6,14}$/;
// Telegram chat ids are integers (negative for groups) or a public @channelusername.
const TELEGRAM_CHAT = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/;
const TEXT_LIMITS = { sms: 1600, whatsapp: 4096, telegram: 4096 } as const;

/** Body of `POST /v1/messages`; unknown fields are refused so typos never pass silently. */
export const sendMessageBody = z
  .strictObject({
    channel: z.enum(['sms', 'whatsapp', 'telegram']).describe('Delivery channel.'),
    to: z
      .string()
      .min(1)
      .max(64)
      .describe('Recipient: E.164 number for sms/whatsapp, chat id or @channel for telegram.'),
    from: z
      .string()
      .min(1)
      .max(32)
      .nullish()
      .describe('Sender id or number; the provider default when omitted.'),
    text: z.string().min(1).describe('Message body (UTF-8).'),
    priority: z.enum(['normal', 'express']).default('normal').describe('Dispatch lane.'),
    client_reference: z.string().min(1).max(128).nullish().describe('Your own reference, echoed back.'),
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
  })
  .superRefine((body, ctx) => {
    const recipient = body.channel === 'telegram' ? TELEGRAM_CHAT : E164;
    if (!recipient.test(body.to)) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message:
          body.channel === 'telegram'
            ? 'expected a Telegram chat id or @channel'
            : 'expected an E.164 number such as +14155550100',
      });
    }
    const limit = TEXT_LIMITS[body.channel];
    if ([...body.text].length > limit) {
      ctx.addIssue({
        code: 'custom',
        path: ['text'],
        message: `at most ${limit} characters on ${body.channel}`,
      });
    }
  });

export type SendMessageBody = z.infer<typeof sendMessageBody>;

/** Turns zod issues into problem-details field errors (`field` is a dotted path). */
export function fieldErrors(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(body)',
    message:
      issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
}
