import type { Admin, Kafka } from 'kafkajs';

/** How far one consumer group is behind on one partition. */
export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  lag: number;
}

/** Offsets of one partition, as the admin API reports them. */
interface Watermarks {
  partition: number;
  low: string;
  high: string;
}

const DEFAULT_CACHE_MS = 5000;
const DEFAULT_TIMEOUT_MS = 3000;

/**
 * Consumer lag read from Kafka itself: each watched group's committed offsets against the end of
 * its topics' partitions. Every consumer in Herald commits to Kafka (the transactional groups with
 * their transactions, the Postgres-offset groups after each stored batch and at the position they
 * seek to), so one method serves every group. One admin client lives as long as the process; a
 * read is shared by concurrent scrapes and reused for `cacheMs`, so scraping stays cheap.
 */
export class ConsumerLag {
  private readonly groups = new Map<string, readonly string[]>();
  private admin: Admin | null = null;
  private connected: Promise<void> | null = null;
  private running: Promise<PartitionLag[]> | null = null;
  private cached: { at: number; lags: PartitionLag[] } | null = null;
  /** Bumped by watch/unwatch, so a read that overlapped a change is not cached. */
  private version = 0;
  private readonly cacheMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly kafka: Kafka,
    options: { cacheMs?: number; timeoutMs?: number } = {},
  ) {
    this.cacheMs = options.cacheMs ?? DEFAULT_CACHE_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Includes `group` on `topics` in every read from now on. */
  watch(group: string, topics: readonly string[]): void {
    this.groups.set(group, [...new Set([...(this.groups.get(group) ?? []), ...topics])]);
    this.cached = null;
    this.version++;
  }

  /** Leaves `group` out of reads. */
  unwatch(group: string): void {
    this.groups.delete(group);
    this.cached = null;
    this.version++;
  }

  /** The lag of every partition of every watched group; rejects when Kafka does not answer in time. */
  read(): Promise<PartitionLag[]> {
    if (this.cached && Date.now() - this.cached.at < this.cacheMs) return Promise.resolve(this.cached.lags);
    // A read that outlives one scrape's deadline is joined by the next scrape, never started twice.
    const version = this.version;
    this.running ??= this.compute()
      .then((lags) => {
        if (version === this.version) this.cached = { at: Date.now(), lags };
        return lags;
      })
      .finally(() => {
        this.running = null;
      });
    return withTimeout(this.running, this.timeoutMs);
  }

  /** Disconnects the admin client. */
  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    this.connected = null;
    if (admin) await admin.disconnect();
  }

  private async compute(): Promise<PartitionLag[]> {
    if (this.groups.size === 0) return [];
    const admin = await this.connect();
    const topics = [...new Set([...this.groups.values()].flat())];
    const ends = new Map<string, Watermarks[]>(
      await Promise.all(
        topics.map(async (topic): Promise<[string, Watermarks[]]> => [
          topic,
          await admin.fetchTopicOffsets(topic),
        ]),
      ),
    );
    const perGroup = await Promise.all(
      [...this.groups].map(async ([group, groupTopics]) => {
        const committed = await admin.fetchOffsets({ groupId: group, topics: [...groupTopics] });
        return committed.flatMap(({ topic, partitions }) =>
          partitions.map(({ partition, offset }) => ({
            group,
            topic,
            partition,
            lag: lagOf(
              offset,
              ends.get(topic)?.find((w) => w.partition === partition),
            ),
          })),
        );
      }),
    );
    return perGroup.flat();
  }

  private async connect(): Promise<Admin> {
    this.admin ??= this.kafka.admin({ retry: { retries: 1 } });
    const admin = this.admin;
    this.connected ??= admin.connect().catch((error: unknown) => {
      this.connected = null;
      throw error;
    });
    await this.connected;
    return admin;
  }
}

/**
 * End offset minus committed offset. A partition the group never committed, or whose committed
 * offset retention has deleted, counts every record still retained: what a consumer starting from
 * the earliest record (as Herald's do) has left to read.
 */
export function lagOf(committed: string, watermarks: Watermarks | undefined): number {
  if (!watermarks) return 0;
  const high = BigInt(watermarks.high);
  const low = BigInt(watermarks.low);
  const from = BigInt(committed) > low ? BigInt(committed) : low;
  return high > from ? Number(high - from) : 0;
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`consumer lag: Kafka did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
