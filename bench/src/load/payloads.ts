import { randomInt } from 'node:crypto';

/** The text every benchmark message carries: one GSM-7 SMS part. */
export const MESSAGE_TEXT = 'Your Herald code is 482913. It expires in 10 minutes.';

/**
 * Distinct E.164 recipients for a run: numbers from a random base, so messages spread over every
 * partition (Herald keys by recipient) and runs on the same database never share recipients.
 */
export function recipients(): (index: number) => string {
  const base = randomInt(0, 5_000_000);
  return (index) => `+1555${String((base + index) % 10_000_000).padStart(7, '0')}`;
}

/** The JSON body of one `POST /v1/messages` (and of the hello-world baseline's requests). */
export function messageBody(to: string): string {
  return `{"channel":"sms","to":"${to}","text":"${MESSAGE_TEXT}"}`;
}

/** The JSON body of one `POST /v1/messages/batch` of `count` messages starting at recipient `first`. */
export function batchBody(to: (index: number) => string, first: number, count: number): string {
  const items: string[] = [];
  for (let i = 0; i < count; i++) items.push(messageBody(to(first + i)));
  return `{"messages":[${items.join(',')}]}`;
}

/** The JSON body of one `POST /v1/broadcasts` to `count` recipients starting at `first`. */
export function broadcastBody(to: (index: number) => string, first: number, count: number): string {
  const list: string[] = [];
  for (let i = 0; i < count; i++) list.push(`"${to(first + i)}"`);
  return `{"channel":"sms","text":"${MESSAGE_TEXT}","recipients":[${list.join(',')}]}`;
}

/** Request headers of a JSON call with a bearer key. */
export function jsonHeaders(key?: string): Record<string, string> {
  return key === undefined
    ? { 'content-type': 'application/json' }
    : { 'content-type': 'application/json', authorization: `Bearer ${key}` };
}
