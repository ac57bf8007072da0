import { assertNever } from '../assert-never.js';
import type { CallbackSender } from '../callbacks.js';
import type { Scheduler } from '../scheduler.js';
import type { FinalStatus, SimStats } from '../stats.js';
import type { WhatsAppSimOptions } from './options.js';
import { buildStatusWebhook } from './status-webhook.js';
import type { SimulatedWhatsAppMessage, StatusStep } from './status-webhook.js';

/** What a message's status lifecycle needs: time, delivery, counters and the account. */
export interface WhatsAppLifecycleDeps {
  whatsapp: WhatsAppSimOptions;
  callbackDelayMs: number;
  scheduler: Scheduler;
  callbacks: CallbackSender;
  stats: SimStats;
  clock: () => Date;
}

/**
 * Plays an accepted message's statuses out as signed webhooks, one delayed step at a time, each
 * delivered (with retries) before the next so a well-behaved receiver sees them in order.
 */
export async function runWhatsAppLifecycle(
  message: SimulatedWhatsAppMessage,
  finalStatus: FinalStatus,
  deps: WhatsAppLifecycleDeps,
): Promise<void> {
  for (const step of stepsTo(finalStatus)) {
    if (!(await deps.scheduler.wait(deps.callbackDelayMs))) return;
    const webhook = buildStatusWebhook(message, step, deps.clock(), deps.whatsapp);
    if ((await deps.callbacks.deliver(webhook)) === 'cancelled') return;
  }
  deps.stats.finalStatusReached(finalStatus);
}

/**
 * The statuses Meta reports on the way to each ending. A delivered message is also read: the
 * simulated recipient reads everything, so read receipts are exercised on every run.
 */
export function stepsTo(finalStatus: FinalStatus): StatusStep[] {
  switch (finalStatus) {
    case 'delivered':
      return [
        { status: 'sent', error: null },
        { status: 'delivered', error: null },
        { status: 'read', error: null },
      ];
    case 'undelivered':
      // WhatsApp has no `undelivered`: a message it could not get to the handset ends `failed`, 131026.
      return [
        { status: 'sent', error: null },
        {
          status: 'failed',
          error: { code: 131026, title: 'Message undeliverable', details: 'Message Undeliverable.' },
        },
      ];
    case 'failed':
      // The classic asynchronous refusal: free-form text outside the 24-hour customer service window.
      return [
        {
          status: 'failed',
          error: {
            code: 131047,
            title: 'Re-engagement message',
            details:
              'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
          },
        },
      ];
    default:
      return assertNever(finalStatus);
  }
}
