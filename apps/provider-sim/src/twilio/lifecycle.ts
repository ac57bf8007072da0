import { assertNever } from '../assert-never.js';
import type { CallbackSender } from '../callbacks.js';
import type { Scheduler } from '../scheduler.js';
import type { FinalStatus, SimStats } from '../stats.js';
import type { StoredMessage } from './messages.js';
import { buildStatusCallback } from './status-callback.js';

/** One status change after acceptance, with the error code Twilio reports alongside it. */
interface Step {
  status: 'sent' | 'delivered' | 'undelivered' | 'failed';
  errorCode: number | null;
}

/** What a message's lifecycle needs: time, delivery and counters. */
export interface LifecycleDeps {
  authToken: string;
  callbackDelayMs: number;
  scheduler: Scheduler;
  callbacks: CallbackSender;
  stats: SimStats;
  clock: () => Date;
}

/**
 * Walks an accepted message to its final status, one delayed step at a time, POSTing each
 * step's callback before the next so a well-behaved receiver sees them in order.
 */
export async function runLifecycle(
  message: StoredMessage,
  finalStatus: FinalStatus,
  deps: LifecycleDeps,
): Promise<void> {
  for (const step of stepsTo(finalStatus)) {
    if (!(await deps.scheduler.wait(deps.callbackDelayMs))) return;
    applyStep(message, step, deps.clock());
    if (message.statusCallback === null) continue;
    const outcome = await deps.callbacks.deliver(
      buildStatusCallback(message, message.statusCallback, deps.authToken),
    );
    if (outcome === 'cancelled') return;
  }
  deps.stats.finalStatusReached(finalStatus);
}

function stepsTo(finalStatus: FinalStatus): Step[] {
  switch (finalStatus) {
    case 'delivered':
      return [
        { status: 'sent', errorCode: null },
        { status: 'delivered', errorCode: null },
      ];
    case 'undelivered':
      // 30003: unreachable destination handset, the most common carrier non-delivery.
      return [
        { status: 'sent', errorCode: null },
        { status: 'undelivered', errorCode: 30003 },
      ];
    case 'failed':
      // 30008: unknown error; a failed message never reached the carrier, so there is no `sent`.
      return [{ status: 'failed', errorCode: 30008 }];
    default:
      return assertNever(finalStatus);
  }
}

function applyStep(message: StoredMessage, step: Step, now: Date): void {
  message.status = step.status;
  message.errorCode = step.errorCode;
  message.dateUpdated = now;
  if (step.status === 'sent') message.dateSent = now;
}
