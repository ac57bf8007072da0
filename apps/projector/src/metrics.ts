import { countDeadLetters, totalHeldCredits } from '@herald/store';
import type { Pool, SettledCredits } from '@herald/store';
import { Counter, Gauge, Histogram } from '@herald/telemetry';
import type { Logger, Registry } from '@herald/telemetry';

/**
 * The projector's own instruments. Consumed records, batches, poison records and the lag of its
 * groups are in `KafkaMetrics` (from @herald/service).
 *
 * Credits are labelled by channel only. Per tenant would grow with the customer base (unbounded
 * series); Herald's credits have one unit, so there is no currency to split by; the channel is a
 * closed set of three that answers "what are we spending on". Captured and released amounts are
 * counters (rate() gives spend per second, increases survive restarts as Prometheus resets them);
 * what is held right now is a gauge read from the ledger's accounts on scrape, exact whatever
 * this process saw.
 */
export interface ProjectorMetrics {
  /** Events applied to the read models, or skipped as already applied, by topic. */
  projected: Counter<'topic' | 'outcome'>;
  /** Duration of one projection transaction. */
  batchSeconds: Histogram;
  /** Micro-credits captured, by channel. */
  captured: Counter<'channel'>;
  /** Micro-credits released, by channel. */
  released: Counter<'channel'>;
}

/**
 * Registers the projector's instruments in `registry`. Two gauges are read from Postgres on scrape:
 * credits held across tenants, and the dead letters recorded from the DLQ topic.
 */
export function createProjectorMetrics(registry: Registry, pool: Pool, log: Logger): ProjectorMetrics {
  const registers = [registry];
  new Gauge({
    name: 'herald_credits_held_micros',
    help: 'Micro-credits held right now across all tenants (routed, neither captured nor released), read on scrape',
    registers,
    async collect() {
      const held = await totalHeldCredits(pool).catch((error: unknown) => {
        log.warn({ err: error }, 'reading held credits for metrics failed');
        return null;
      });
      // NaN, not 0, when unknown: an unlabelled gauge always has a sample.
      this.set(held ?? Number.NaN);
    },
  });
  // The DLQ is counted from the records the DLQ consumer stored, not from the topic's offsets:
  // dead letters are written in Kafka transactions, whose commit markers take offsets too, so
  // end minus start offset would count each dead-lettering transaction twice.
  new Gauge({
    name: 'herald_dlq_records',
    help: 'Records in the DLQ topic (as recorded by the projector), by state: pending or replayed',
    labelNames: ['state'],
    registers,
    async collect() {
      const counts = await countDeadLetters(pool).catch((error: unknown) => {
        log.warn({ err: error }, 'counting dead letters for metrics failed');
        return null;
      });
      this.reset();
      if (counts === null) return;
      this.set({ state: 'pending' }, counts.pending);
      this.set({ state: 'replayed' }, counts.replayed);
    },
  });
  return {
    projected: new Counter({
      name: 'herald_projector_events_total',
      help: 'Events applied to the read models, or skipped as applied already, by topic and outcome',
      labelNames: ['topic', 'outcome'],
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'herald_projector_batch_seconds',
      help: 'Duration of one projection transaction (events, read models, ledger and offsets)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    captured: new Counter({
      name: 'herald_credits_captured_micros_total',
      help: 'Micro-credits captured (charged) once a provider took a message, by channel',
      labelNames: ['channel'],
      registers,
    }),
    released: new Counter({
      name: 'herald_credits_released_micros_total',
      help: 'Micro-credits released (given back) for messages that ended unsent, by channel',
      labelNames: ['channel'],
      registers,
    }),
  };
}

/** Counts the settlements of a committed batch. */
export function countSettled(metrics: ProjectorMetrics, settled: readonly SettledCredits[]): void {
  for (const entry of settled) {
    const counter = entry.kind === 'credits_captured' ? metrics.captured : metrics.released;
    counter.inc({ channel: entry.channel ?? 'unknown' }, entry.amount);
  }
}
