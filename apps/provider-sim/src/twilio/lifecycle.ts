import { assertNever } from '../assert-never.js';
import type { CallbackOutcome, CallbackSender } from '../callbacks.js';
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

/** How a message's callbacks misbehave, like real providers' sometimes do. */
export interface CallbackDisorder {
  /** Every callback is POSTed twice. */
  duplicate: boolean;
  /** Callbacks are POSTed after the last step, last-first (`delivered` before `sent`). */
  reversed: boolean;
}

/**
 * Walks an accepted message to its final status, one delayed step at a time, POSTing each
 * step's callback before the next so a well-behaved receiver sees them in order, unless the
 * disorder says otherwise.
 */
export async function runLifecycle(
  message: StoredMessage,
  finalStatus: FinalStatus,
  deps: LifecycleDeps,
  disorder: CallbackDisorder = { duplicate: false, reversed: false },
): Promise<void> {
  const held: ReturnType<typeof buildStatusCallback>[] = [];
  for (const step of stepsTo(finalStatus)) {
    if (!(await deps.scheduler.wait(deps.callbackDelayMs))) return;
    applyStep(message, step, deps.clock());
    if (message.statusCallback === null) continue;
    const callback = buildStatusCallback(message, message.statusCallback, deps.authToken);
    if (disorder.reversed) held.push(callback);
    else if ((await post(callback, deps, disorder)) === 'cancelled') return;
  }
  for (const callback of held.reverse()) {
    if ((await post(callback, deps, disorder)) === 'cancelled') return;
  }
  deps.stats.finalStatusReached(finalStatus);
}

async function post(
  callback: ReturnType<typeof buildStatusCallback>,
  deps: LifecycleDeps,
  disorder: CallbackDisorder,
): Promise<CallbackOutcome> {
  const outcome = await deps.callbacks.deliver(callback);
  if (outcome === 'cancelled' || !disorder.duplicate) return outcome;
  return deps.callbacks.deliver(callback);
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
