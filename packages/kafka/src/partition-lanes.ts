/**
 * Offset work serialised per partition, apart from KafkaJS's own loop: a partition's next batch
 * waits for what was queued ahead of it (the seek to stored offsets after a rebalance, a commit
 * past transaction markers), so commits of one partition never overtake each other.
 */
export class PartitionLanes {
  private readonly tails = new Map<string, Promise<void>>();

  /** Queues `work` on the partition's lane. `work` handles its own errors: a lane never rejects. */
  enqueue(topic: string, partition: number, work: () => Promise<void>): void {
    const key = `${topic}:${partition}`;
    const tail = (this.tails.get(key) ?? Promise.resolve()).then(work);
    this.tails.set(key, tail);
    const forget = () => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
    tail.then(forget, forget);
  }

  /** Resolves once everything queued so far on the partition has run. */
  idle(topic: string, partition: number): Promise<void> {
    return this.tails.get(`${topic}:${partition}`) ?? Promise.resolve();
  }
}
