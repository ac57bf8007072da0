import type { SmppSession } from '@herald/transports';
import type { FinalStatus } from '../stats.js';
import type { SmppContext } from './context.js';
import { smpp } from './library.js';
import { receiptDeliverSm, wantsReceipt } from './receipt.js';
import type { AcceptedPart } from './receipt.js';

/**
 * After the callback delay, sends one receipt per part (as SMSCs do) to the submitting session or,
 * if it has gone, another receiver of the same system_id; each waits for its deliver_sm_resp.
 */
export async function deliverReceipts(
  parts: AcceptedPart[],
  finalStatus: FinalStatus,
  origin: { session: SmppSession; systemId: string },
  context: SmppContext,
): Promise<void> {
  const { scheduler, stats, sessions, options } = context;
  if (!(await scheduler.wait(options.callbackDelayMs))) return;
  for (const accepted of parts) {
    if (!wantsReceipt(accepted.part.registeredDelivery, finalStatus)) continue;
    const target = sessions.receiverFor(origin.systemId, origin.session);
    if (target === null) {
      stats.receiptUndeliverable();
      continue;
    }
    stats.receiptSent();
    const fields = receiptDeliverSm(accepted, finalStatus, options.clock());
    if (await sendAndWait(target, fields, options.callbackTimeoutMs)) stats.receiptAcknowledged();
    else stats.receiptUnanswered();
  }
  stats.finalStatusReached(finalStatus);
}

// Receipts awaiting their deliver_sm_resp, per session: one 'close' listener settles them all,
// instead of one listener per receipt in flight.
const awaitingResponse = new WeakMap<SmppSession, Set<() => void>>();

/** Runs `onClose` if the session closes; the returned function forgets it. */
function whenClosed(session: SmppSession, onClose: () => void): () => void {
  let waiting = awaitingResponse.get(session);
  if (waiting === undefined) {
    const created = new Set<() => void>();
    session.on('close', () => {
      for (const each of created) each();
    });
    awaitingResponse.set(session, created);
    waiting = created;
  }
  const entries = waiting;
  entries.add(onClose);
  return () => entries.delete(onClose);
}

/** True once deliver_sm_resp arrives; false on timeout or when the session closes first. */
function sendAndWait(
  session: SmppSession,
  fields: Record<string, unknown>,
  timeoutMs: number,
): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const settle = (acknowledged: boolean): void => {
      clearTimeout(timer);
      forget();
      resolve(acknowledged);
    };
    const forget = whenClosed(session, () => settle(false));
    const timer = setTimeout(() => settle(false), timeoutMs);
    const written = session.send(new smpp.PDU('deliver_sm', fields), (response) =>
      settle(response.command_status === 0),
    );
    if (!written) settle(false);
  });
}
