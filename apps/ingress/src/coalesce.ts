/** A lookup of many keys in one call; answers are in the order of `keys`. */
export type LoadMany<K, V> = (keys: readonly K[]) => Promise<readonly V[]>;

interface Waiting<K, V> {
  key: K;
  resolve: (value: V) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for reads: the lookups requested while earlier ones are in flight are merged into
 * one `loadMany` call, and equal keys (by `idOf`) are looked up once. Nothing waits for company:
 * a lookup starts at once when fewer than `maxInFlight` calls are running, so a quiet server pays
 * one round trip and a busy one pays one per batch instead of one per request. Each answer is as
 * fresh as a direct query made after the request arrived.
 */
export function coalesce<K, V>(
  loadMany: LoadMany<K, V>,
  idOf: (key: K) => string,
  options: { maxInFlight?: number; maxBatch?: number } = {},
): (key: K) => Promise<V> {
  const maxInFlight = options.maxInFlight ?? 2;
  const maxBatch = options.maxBatch ?? 500;
  let queue: Waiting<K, V>[] = [];
  let running = 0;

  const run = (batch: Waiting<K, V>[]) => {
    running++;
    const distinct = new Map<string, K>();
    for (const waiting of batch) distinct.set(idOf(waiting.key), waiting.key);
    const keys = [...distinct.values()];
    loadMany(keys)
      .then(
        (values) => {
          const byId = new Map(keys.map((key, index) => [idOf(key), values[index]]));
          for (const waiting of batch) {
            const value = byId.get(idOf(waiting.key));
            if (value === undefined) waiting.reject(new Error('coalesced lookup returned no answer'));
            else waiting.resolve(value);
          }
        },
        (error: unknown) => {
          for (const waiting of batch) waiting.reject(error);
        },
      )
      .finally(() => {
        running--;
        next();
      });
  };

  const next = () => {
    while (running < maxInFlight && queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      run(batch);
    }
  };

  return (key) =>
    new Promise<V>((resolve, reject) => {
      queue.push({ key, resolve, reject });
      next();
    });
}
