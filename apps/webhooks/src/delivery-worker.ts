import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import type { LimitFunction } from 'p-limit';
import { claimWebhookDeliveries, releaseWebhookDeliveries } from '@herald/store';
import type { ClaimedDelivery, Pool } from '@herald/store';
import { SpanStatusCode, contextFromHeaders, inClientSpan } from '@herald/telemetry';
import type { Logger, Span } from '@herald/telemetry';
import { Stopper, attemptDelivery } from './attempt.js';
import type { AttemptResult } from './attempt.js';
import type { Destinations } from './destinations.js';
import { decideAttempt } from './outcome.js';
import type { AttemptDecision, RetryPolicy } from './outcome.js';
import type { Recorder } from './recorder.js';

/** Most deliveries claimed by one query. */
const MAX_CLAIM = 200;
/** How long an endpoint disabled by this process is skipped from memory (until the write shows). */
const DISABLED_MEMORY_MS = 30_000;

/** Options of `DeliveryWorker`. */
export interface DeliveryWorkerOptions {
  pool: Pool;
  log: Logger;
  destinations: Destinations;
  recorder: Recorder;
  retry: RetryPolicy;
  /** Attempts in flight in the process. */
  concurrency: number;
  /** Attempts in flight per callback_url (endpoints have their own max_concurrency). */
  callbackConcurrency: number;
  timeoutMs: number;
  leaseMs: number;
  /** How often the schedule is looked at when nothing says there is work. */
  pollMs: number;
  /** The secrets that sign a delivery to a callback_url of the tenant. */
  callbackSecrets: (tenantId: string) => readonly string[];
  /** Told how long each claim took, in seconds, for metrics. */
  onClaim?: (seconds: number) => void;
  /** Told about every attempt, for metrics. */
  onAttempt?: (delivery: ClaimedDelivery, result: AttemptResult, decision: AttemptDecision) => void;
}

/**
 * Delivers due webhook deliveries: a claim loop takes as many as there are free slots, in the
 * process and per destination, and starts each at once. A destination whose slots are all taken
 * is left out of the claims, so a slow endpoint holds only its own deliveries back. Outcomes go to
 * the recorder, which writes them in batches.
 */
export class DeliveryWorker {
  private readonly processLimit: LimitFunction;
  private readonly destinationLimits = new Map<string, LimitFunction>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly stopper = new Stopper();
  private readonly aborted: string[] = [];
  /** Endpoints this process disabled lately, so their claimed deliveries are not attempted. */
  private readonly disabled = new Map<string, { error: string; until: number }>();
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  private nudged = false;

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.processLimit = pLimit(options.concurrency);
  }

  /** Starts the claim loop. */
  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Says that deliveries may have become due (enqueued, or a slot freed): the loop claims now. */
  nudge(): void {
    if (this.wake !== null) this.wake();
    else this.nudged = true;
  }

  /** Stops attempting an endpoint's deliveries at once, before its disabling is written. */
  endpointDisabled(endpointId: string, reason: string, detail: string): void {
    this.disabled.set(endpointId, {
      error: `endpoint disabled (${reason}): ${detail}`,
      until: Date.now() + DISABLED_MEMORY_MS,
    });
  }

  /**
   * Stops claiming, lets attempts in flight finish for up to `graceMs`, aborts the rest and hands
   * their deliveries back (due now), and writes every outcome.
   */
  async stop(graceMs: number): Promise<void> {
    this.running = false;
    this.nudge();
    await this.loop;
    const all = Promise.all(this.inFlight.values());
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      all.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    if (!finished) {
      this.options.log.warn({ inFlight: this.inFlight.size }, 'aborting attempts still in flight');
      this.stopper.stop();
      await all;
    }
    await this.options.recorder.close();
    await releaseWebhookDeliveries(this.options.pool, this.aborted);
    if (this.aborted.length > 0)
      this.options.log.info({ released: this.aborted.length }, 'unfinished deliveries handed back');
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.nudged = false;
      const free = this.options.concurrency - this.processLimit.activeCount - this.processLimit.pendingCount;
      let claimed = 0;
      const limit = Math.min(free, MAX_CLAIM);
      if (limit > 0) {
        try {
          const started = performance.now();
          const deliveries = await claimWebhookDeliveries(this.options.pool, {
            limit,
            leaseMs: this.options.leaseMs,
            ...this.busyDestinations(),
            callbackConcurrency: this.options.callbackConcurrency,
          });
          this.options.onClaim?.((performance.now() - started) / 1000);
          for (const delivery of deliveries) this.dispatch(delivery);
          claimed = deliveries.length;
        } catch (error) {
          this.options.log.error({ err: error }, 'claiming deliveries failed');
          // Not cut short by nudges: a database that is down is not asked again at once.
          await new Promise((resolve) => setTimeout(resolve, this.options.pollMs));
          continue;
        }
      }
      // A full claim says more may be due at once; otherwise wait for a nudge or the next poll.
      if (claimed < limit || limit === 0) await this.idle(this.options.pollMs);
    }
  }

  private busyDestinations(): { inFlight: Map<string, number>; full: string[] } {
    const inFlight = new Map<string, number>();
    const full: string[] = [];
    for (const [destination, limit] of this.destinationLimits) {
      const count = limit.activeCount + limit.pendingCount;
      inFlight.set(destination, count);
      if (count >= limit.concurrency) full.push(destination);
    }
    return { inFlight, full };
  }

  private dispatch(delivery: ClaimedDelivery): void {
    const endpoint = delivery.endpoint;
    const refusal = this.disabledError(delivery);
    if (refusal !== null) {
      this.options.recorder.fail(delivery.id, refusal);
      return;
    }
    const slots = endpoint?.maxConcurrency ?? this.options.callbackConcurrency;
    let limit = this.destinationLimits.get(delivery.destination);
    if (limit === undefined) {
      limit = pLimit(slots);
      this.destinationLimits.set(delivery.destination, limit);
    } else if (limit.concurrency !== slots) {
      limit.concurrency = slots;
    }
    const destinationLimit = limit;
    const task = this.processLimit(() => destinationLimit(() => this.deliver(delivery)))
      .catch((error: unknown) =>
        this.options.log.error({ err: error, delivery: delivery.id }, 'delivery failed'),
      )
      .finally(() => {
        this.inFlight.delete(delivery.id);
        if (destinationLimit.activeCount + destinationLimit.pendingCount === 0)
          this.destinationLimits.delete(delivery.destination);
        this.nudge();
      });
    this.inFlight.set(delivery.id, task);
  }

  private disabledError(delivery: ClaimedDelivery): string | null {
    if (delivery.endpointId === null) return null;
    if (delivery.endpoint?.enabled === false) return 'endpoint disabled';
    const recent = this.disabled.get(delivery.endpointId);
    if (recent === undefined) return null;
    if (recent.until > Date.now()) return recent.error;
    this.disabled.delete(delivery.endpointId);
    return null;
  }

  /**
   * One attempt, as a CLIENT span continued from the trace of the event the webhook tells of: a
   * retry hours later still shows in the message's trace.
   */
  private deliver(delivery: ClaimedDelivery): Promise<void> {
    const parent = contextFromHeaders(
      delivery.traceparent === null ? {} : { traceparent: delivery.traceparent },
    );
    return inClientSpan(
      'POST webhook',
      deliverySpanAttributes(delivery),
      (span) => this.attempt(delivery, span),
      parent,
    );
  }

  private async attempt(delivery: ClaimedDelivery, span: Span): Promise<void> {
    const result = await attemptDelivery({
      url: delivery.url,
      webhookId: delivery.webhookMessageId,
      payload: delivery.payload,
      secrets: delivery.endpoint?.secrets ?? this.options.callbackSecrets(delivery.tenantId),
      headers: delivery.endpoint?.headers ?? {},
      destinations: this.options.destinations,
      timeoutMs: this.options.timeoutMs,
      stop: this.stopper,
    });
    if (result === 'aborted') {
      span.setAttribute('herald.webhook.aborted', true);
      this.aborted.push(delivery.id);
      return;
    }
    describeAttempt(span, result);
    const decision = decideAttempt(delivery, result, this.options.retry);
    if (this.options.log.isLevelEnabled('debug'))
      this.options.log.debug(
        {
          tenantId: delivery.tenantId,
          messageId: delivery.messageId,
          webhookId: delivery.webhookMessageId,
          deliveryId: delivery.id,
          endpointId: delivery.endpointId,
          attempt: delivery.attempts + 1,
          statusCode: result.statusCode,
          outcome: decision.settled.outcome,
          latencyMs: result.latencyMs,
        },
        'webhook attempt',
      );
    if (decision.gone !== null) this.endpointDisabled(decision.gone.endpointId, 'gone', decision.gone.detail);
    this.options.recorder.add(decision);
    this.options.onAttempt?.(delivery, result, decision);
  }

  private idle(ms: number): Promise<void> {
    if (this.nudged || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

/** What a delivery's span says of it before the attempt: ids to find it by, never the URL's query. */
function deliverySpanAttributes(delivery: ClaimedDelivery) {
  return {
    'http.request.method': 'POST',
    'server.address': hostOf(delivery.url),
    'herald.tenant_id': delivery.tenantId,
    'herald.message_id': delivery.messageId,
    'herald.webhook.id': delivery.webhookMessageId,
    'herald.webhook.delivery_id': delivery.id,
    'herald.webhook.attempt': delivery.attempts + 1,
    ...(delivery.endpointId === null ? {} : { 'herald.webhook.endpoint_id': delivery.endpointId }),
  };
}

/** The answer (status code, or how the request failed) on the attempt's span. */
function describeAttempt(span: Span, result: AttemptResult): void {
  if (result.statusCode !== null) span.setAttribute('http.response.status_code', result.statusCode);
  if (result.error === null) return;
  span.setAttribute('error.type', typeof result.result === 'number' ? String(result.result) : result.result);
  span.setStatus({ code: SpanStatusCode.ERROR, message: result.error });
}

function hostOf(url: string): string {
  return URL.canParse(url) ? new URL(url).hostname : 'invalid-url';
}
