import { randomInt } from 'node:crypto';
import { failureFromThrown, startDeadline } from '../deadline.js';
import type { Deadline } from '../deadline.js';
import type { OutboundMessage, SendResult, StatusUpdate, Transport } from '../transport.js';
import { ESME, submitFailure } from './command-status.js';
import { SmppConnection } from './connection.js';
import { deliverSmFields } from './deliver-sm.js';
import type { SmppPdu } from './library.js';
import { resolveSmppOptions } from './options.js';
import type { ResolvedSmppOptions, SmppTransportOptions } from './options.js';
import { parseDeliveryReceipt } from './receipt.js';
import { ReceiptRouter } from './receipt-router.js';
import type { SendTracker } from './receipt-router.js';
import { planSubmit } from './submit.js';
import type { SubmitSmFields } from './submit.js';
import { SubmitWindow } from './window.js';

/** One part's submit_sm: the SMSC's message_id, or the message's failure. */
type PartOutcome = { ok: true; messageId: string } | { ok: false; result: SendResult };

// Part ids remembered for receipts; a receipt older than this many parts goes out under its own id.
const REMEMBERED_PARTS = 100_000;

/**
 * Sends SMS over one SMPP 3.4 transceiver session: submit_sm within a window of outstanding
 * requests, long texts as concatenated parts, delivery receipts reported through onStatusUpdate.
 */
export class SmppTransport implements Transport {
  readonly kind = 'smpp';
  readonly #options: ResolvedSmppOptions;
  readonly #connection: SmppConnection;
  readonly #window: SubmitWindow;
  readonly #receipts: ReceiptRouter;
  readonly #inFlight = new Set<Promise<SendResult>>();
  #reference = randomInt(256);
  #closing: Promise<void> | null = null;

  constructor(options: SmppTransportOptions) {
    this.#options = resolveSmppOptions(options);
    this.#window = new SubmitWindow(this.#options.window);
    this.#receipts = new ReceiptRouter({
      capacity: REMEMBERED_PARTS,
      orphanHoldMs: this.#options.timeoutMs,
      logger: this.#options.logger,
    });
    this.#connection = new SmppConnection(this.#options, (pdu) => this.#onDeliverSm(pdu));
  }

  /**
   * Registers a receipt listener and opens the session if it is not open yet, so receipts the SMSC
   * kept for us arrive. See ReceiptRouter for when listeners fire.
   */
  onStatusUpdate(listener: (update: StatusUpdate) => void): void {
    if (this.#closing !== null) throw new Error('SmppTransport.onStatusUpdate() called after close()');
    this.#receipts.addListener(listener);
    this.#connection.start();
  }

  /** Submits every part; failures come back as values, never as exceptions. */
  send(message: OutboundMessage, signal?: AbortSignal): Promise<SendResult> {
    if (this.#closing !== null) throw new Error('SmppTransport.send() called after close()');
    const plan = planSubmit(message, {
      sourceAddr: this.#options.sourceAddr,
      reference: this.#nextReference(),
    });
    if (!plan.ok) return Promise.resolve(plan.result);
    const task = this.#submitAll(plan.parts, signal);
    this.#inFlight.add(task);
    void task.finally(() => this.#inFlight.delete(task));
    return task;
  }

  /** Lets sends in flight finish, unbinds, and stops re-binding. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
    await this.#connection.close();
    this.#receipts.close();
  }

  #nextReference(): number {
    this.#reference = (this.#reference + 1) & 0xff;
    return this.#reference;
  }

  async #submitAll(parts: SubmitSmFields[], signal: AbortSignal | undefined): Promise<SendResult> {
    const deadline = startDeadline(this.#options.timeoutMs, signal);
    const tracker = this.#receipts.begin();
    try {
      const readiness = await this.#connection.ready(deadline.signal);
      if (readiness.kind === 'aborted') return this.#deadlineFailure(deadline);
      if (readiness.kind === 'failed') return { ok: false, retryable: true, ...readiness.failure };
      return await this.#submitParts(parts, deadline, tracker);
    } finally {
      deadline.dispose();
    }
  }

  /** Parts go one after another, so a failure stops the rest instead of orphaning them too. */
  async #submitParts(parts: SubmitSmFields[], deadline: Deadline, tracker: SendTracker): Promise<SendResult> {
    let providerMessageId: string | null = null;
    for (const [index, part] of parts.entries()) {
      const outcome = await this.#submitPart(part, deadline);
      if (!outcome.ok) {
        tracker.failed();
        return parts.length === 1 ? outcome.result : inPart(outcome.result, index + 1, parts.length);
      }
      tracker.partAccepted(outcome.messageId);
      providerMessageId ??= outcome.messageId;
    }
    if (providerMessageId === null) throw new Error('a message always has at least one part');
    tracker.succeeded();
    return { ok: true, providerMessageId, status: 'sent' };
  }

  async #submitPart(part: SubmitSmFields, deadline: Deadline): Promise<PartOutcome> {
    if (!(await this.#window.acquire(deadline.signal)))
      return { ok: false, result: this.#deadlineFailure(deadline) };
    const response = this.#connection.request('submit_sm', { ...part });
    // The slot stays taken until the SMSC answers or the link drops, even if this send gives up.
    void response.finally(() => this.#window.release());
    const outcome = await untilAborted(response, deadline.signal);
    if (outcome === null) return { ok: false, result: this.#deadlineFailure(deadline) };
    if (outcome.kind === 'disconnected') {
      return {
        ok: false,
        result: { ok: false, retryable: true, errorCode: 'network_error', errorMessage: outcome.reason },
      };
    }
    return interpretSubmitResp(outcome.pdu);
  }

  #deadlineFailure(deadline: Deadline): SendResult {
    return failureFromThrown(new Error('deadline'), deadline, this.#options.timeoutMs);
  }

  #onDeliverSm(pdu: SmppPdu): void {
    const receipt = parseDeliveryReceipt(deliverSmFields(pdu));
    if (receipt === null) {
      this.#options.logger.info(
        { esmClass: pdu.esm_class },
        'deliver_sm that is no delivery receipt ignored',
      );
      return;
    }
    if (receipt.status === null) return;
    const { status, errorCode, errorMessage, raw } = receipt;
    this.#receipts.receive({
      partMessageId: receipt.messageId,
      update: { status, errorCode, errorMessage, raw, occurredAt: this.#options.now() },
    });
  }
}

function interpretSubmitResp(pdu: SmppPdu): PartOutcome {
  if (pdu.command_status !== ESME.ROK) return { ok: false, result: submitFailure(pdu.command_status) };
  if (typeof pdu.message_id === 'string' && pdu.message_id !== '')
    return { ok: true, messageId: pdu.message_id };
  // Accepted, but unidentifiable: a retry would send it twice and its receipts could never match.
  return {
    ok: false,
    result: {
      ok: false,
      retryable: false,
      errorCode: 'smpp_invalid_response',
      errorMessage: 'submit_sm_resp without a message_id',
    },
  };
}

function inPart(result: SendResult, part: number, total: number): SendResult {
  return result.ok ? result : { ...result, errorMessage: `part ${part} of ${total}: ${result.errorMessage}` };
}

/** The promise's value, or null as soon as `signal` fires. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | null> {
  if (signal.aborted) return Promise.resolve(null);
  return new Promise<T | null>((resolve) => {
    const onAbort = (): void => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then((value) => {
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    });
  });
}
