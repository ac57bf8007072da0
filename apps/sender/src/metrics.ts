import type { CircuitState } from '@herald/domain';
import { Counter, Gauge, Histogram } from '@herald/telemetry';
import type { Registry } from '@herald/telemetry';

/** How one answered provider call went: taken, or refused for now (retried) or for good. */
export type AttemptOutcome = 'sent' | 'retryable_failure' | 'permanent_failure';

/** The number each circuit state reads as on the gauge (Grafana maps them back to names). */
export const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * The sender's own instruments. Consumed and produced records, batches, dead letters and the lag
 * of its groups are in `KafkaMetrics` (from @herald/service). Labels are configuration (provider
 * ids, channels) or closed vocabularies (outcome, the transports' error codes), never message data.
 */
export interface SenderMetrics {
  /** Answered provider calls by provider, channel and outcome. */
  attempts: Counter<'provider' | 'channel' | 'outcome'>;
  /** Failed calls by provider, channel and the transport's error code, to tell failures apart. */
  failures: Counter<'provider' | 'channel' | 'code'>;
  /** Call latency by provider, channel and outcome. */
  latency: Histogram<'provider' | 'channel' | 'outcome'>;
  /** Circuit state changes by provider and the state entered. */
  circuitTransitions: Counter<'provider' | 'state'>;
  /** Final-status receipts on provider sessions (SMPP), by provider and the path that settled them. */
  receipts: Counter<'provider' | 'outcome'>;
}

/**
 * Registers the sender's instruments in `registry`. The circuit gauge is read on scrape from
 * `circuits`, so every configured provider has a series from the start and an open circuit that
 * has waited out its pause reads half-open without a call having to happen first.
 */
export function createSenderMetrics(
  registry: Registry,
  circuits: () => readonly { provider: string; state: CircuitState }[],
): SenderMetrics {
  const registers = [registry];
  new Gauge({
    name: 'herald_provider_circuit_state',
    help: 'Circuit state per provider in this sender: 0 closed, 1 half-open, 2 open',
    labelNames: ['provider'],
    registers,
    collect() {
      // Providers removed from the configuration drop out.
      this.reset();
      for (const { provider, state } of circuits()) this.set({ provider }, CIRCUIT_VALUE[state]);
    },
  });
  return {
    attempts: new Counter({
      name: 'herald_provider_attempts_total',
      help: 'Answered provider calls, by provider, channel and outcome (sent, retryable_failure, permanent_failure)',
      labelNames: ['provider', 'channel', 'outcome'],
      registers,
    }),
    failures: new Counter({
      name: 'herald_provider_failures_total',
      help: 'Failed provider calls, by provider, channel and error code',
      labelNames: ['provider', 'channel', 'code'],
      registers,
    }),
    latency: new Histogram({
      name: 'herald_provider_latency_seconds',
      help: 'Provider call latency, by provider, channel and outcome',
      labelNames: ['provider', 'channel', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    circuitTransitions: new Counter({
      name: 'herald_provider_circuit_transitions_total',
      help: 'Circuit state changes, by provider and the state entered',
      labelNames: ['provider', 'state'],
      registers,
    }),
    receipts: new Counter({
      name: 'herald_sender_receipts_total',
      help: 'Final-status receipts on provider sessions (SMPP), by provider and outcome: memory (sent by this instance), read_model (matched in Postgres), parked (until the projector records the send), lost (could not be recorded)',
      labelNames: ['provider', 'outcome'],
      registers,
    }),
  };
}

/** Counts and times one answered call. */
export function observeAttempt(
  metrics: SenderMetrics,
  call: {
    provider: string;
    channel: string;
    ok: boolean;
    retryable: boolean;
    code: string;
    latencyMs: number;
  },
): void {
  const outcome: AttemptOutcome = call.ok
    ? 'sent'
    : call.retryable
      ? 'retryable_failure'
      : 'permanent_failure';
  const labels = { provider: call.provider, channel: call.channel };
  metrics.attempts.inc({ ...labels, outcome });
  metrics.latency.observe({ ...labels, outcome }, call.latencyMs / 1000);
  if (!call.ok) metrics.failures.inc({ ...labels, code: call.code });
}
