import type { Admin } from 'kafkajs';
import type { BenchStack } from './stack.js';

/** One second of the pipeline's state. */
export interface LagSample {
  /** Seconds since the sampler started. */
  t: number;
  /** Records not yet committed by each consumer group (Kafka end offsets minus committed offsets). */
  router: number;
  sender: number;
  /** The projector stores its offsets in Postgres with its rows; its lag is measured from those. */
  projector: number;
  /** Messages of the tenant accepted so far (by the generator's count) minus those in a final status. */
  backlog: number;
  /** Messages of the tenant in a final status in the read model. */
  finished: number;
  /**
   * Messages of every tenant in a final status: the pipeline's output whoever sent them (a sweep
   * point starts with the previous points' backlog in the same partitions).
   */
  finishedAll: number;
}

/** Statuses a message does not leave; the read model's count of them is what "done" means. */
export const FINAL_STATUSES = ['delivered', 'read', 'undelivered', 'failed', 'cancelled', 'expired'] as const;

type Ends = Map<string, bigint>;

async function endOffsets(admin: Admin, topics: string[]): Promise<Ends> {
  const ends: Ends = new Map();
  await Promise.all(
    topics.map(async (topic) => {
      for (const { partition, high } of await admin.fetchTopicOffsets(topic))
        ends.set(`${topic}/${partition}`, BigInt(high));
    }),
  );
  return ends;
}

/** Sum over `topics` of end offset minus committed offset (a partition never committed counts from 0). */
export function lagFrom(ends: Ends, committed: Map<string, bigint>, topics: string[]): number {
  let lag = 0n;
  for (const [key, end] of ends) {
    if (!topics.some((topic) => key.startsWith(`${topic}/`))) continue;
    const at = committed.get(key) ?? 0n;
    if (end > at) lag += end - at;
  }
  return Number(lag);
}

async function groupOffsets(admin: Admin, groupId: string, topics: string[]): Promise<Map<string, bigint>> {
  const committed = new Map<string, bigint>();
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics }))
    for (const { partition, offset } of partitions)
      if (offset !== '-1') committed.set(`${topic}/${partition}`, BigInt(offset));
  return committed;
}

async function projectorOffsets(bench: BenchStack): Promise<Map<string, bigint>> {
  const { rows } = await bench.pool.query<{ topic: string; partition: number; next_offset: string }>(
    'SELECT topic, partition, next_offset FROM consumer_offsets WHERE group_id = $1',
    [`${bench.stack.topicPrefix}herald-projector`],
  );
  return new Map(rows.map((row) => [`${row.topic}/${row.partition}`, BigInt(row.next_offset)]));
}

/** The projector's lag on the requested topic alone: an upper bound on accepted messages it has not projected yet. */
export async function projectorRequestedLag(bench: BenchStack): Promise<number> {
  const topic = bench.topics.requested;
  return lagFrom(await endOffsets(bench.admin, [topic]), await projectorOffsets(bench), [topic]);
}

/** How many of the tenant's messages the read model has in a final status. */
export async function finishedCount(bench: BenchStack, tenantId: string): Promise<number> {
  const { rows } = await bench.pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM messages WHERE tenant_id = $1 AND status = ANY($2)',
    [tenantId, FINAL_STATUSES],
  );
  return Number(rows[0]?.n ?? 0);
}

/** How many messages of every tenant the read model has in a final status. */
export async function finishedCountAll(bench: BenchStack): Promise<number> {
  const { rows } = await bench.pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM messages WHERE status = ANY($1)',
    [FINAL_STATUSES],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Samples every consumer group's lag and the read model's backlog once a second. Router and
 * sender commit in Kafka (transactions); their lag counts a transaction marker or two per
 * partition, which is noise next to the figures that matter.
 */
export class LagSampler {
  readonly samples: LagSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly started = performance.now();

  constructor(
    private readonly bench: BenchStack,
    private readonly tenantId: string,
    private readonly accepted: () => number,
  ) {}

  /** Seconds since the sampler was made, on the clock of its samples. */
  now(): number {
    return (performance.now() - this.started) / 1000;
  }

  start(): void {
    this.timer = setInterval(() => {
      // One sample at a time: when the database is slow, a second is skipped rather than piled up.
      this.running ??= this.sample()
        .catch(() => undefined)
        .finally(() => (this.running = undefined));
    }, 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async sample(): Promise<void> {
    const all = this.bench.topics;
    const dispatch = [all.dispatchExpress, all.dispatchNormal, ...all.retries];
    const consumed = [all.requested, ...dispatch, all.events];
    const accepted = this.accepted();
    const [ends, router, normal, express, projector, finished, finishedAll] = await Promise.all([
      endOffsets(this.bench.admin, consumed),
      groupOffsets(this.bench.admin, `${this.bench.stack.topicPrefix}herald-router`, [all.requested]),
      groupOffsets(this.bench.admin, `${this.bench.stack.topicPrefix}herald-sender`, [
        all.dispatchNormal,
        ...all.retries,
      ]),
      groupOffsets(this.bench.admin, `${this.bench.stack.topicPrefix}herald-sender-express`, [
        all.dispatchExpress,
      ]),
      projectorOffsets(this.bench),
      finishedCount(this.bench, this.tenantId),
      finishedCountAll(this.bench),
    ]);
    const sender = new Map([...normal, ...express]);
    this.samples.push({
      t: Math.round((performance.now() - this.started) / 100) / 10,
      router: lagFrom(ends, router, [all.requested]),
      sender: lagFrom(ends, sender, dispatch),
      projector: lagFrom(ends, projector, consumed),
      backlog: Math.max(0, accepted - finished),
      finished,
      finishedAll,
    });
  }
}

/** Least-squares slope (units per second) of `value` over the samples between `fromT` and `toT`. */
export function slope(points: { t: number; value: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const meanT = points.reduce((sum, p) => sum + p.t, 0) / n;
  const meanV = points.reduce((sum, p) => sum + p.value, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - meanT) * (p.value - meanV);
    den += (p.t - meanT) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Whether a backlog grows: its slope over the window is more than 2% of the offered rate (a
 * pipeline that keeps up holds a constant backlog of about rate × latency; noise moves it a little).
 */
export function lagGrows(points: { t: number; value: number }[], offeredPerSecond: number): boolean {
  return slope(points) > Math.max(5, 0.02 * offeredPerSecond);
}
