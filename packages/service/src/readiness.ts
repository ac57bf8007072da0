import type { ReadinessCheck, ReadinessProbe } from '@herald/telemetry';

/** One readiness check of a dependency; reports a failure in its result rather than throwing. */
export type Check = () => Promise<ReadinessCheck>;

/** What `postgresCheck` needs of a pg Pool (kept structural so this package needs no pg). */
export interface Queryable {
  query(text: string): Promise<unknown>;
}

/**
 * Postgres answers a trivial query through the app's own pool: an unreachable server and a pool
 * that cannot hand out a connection (every client stuck) both make the app not ready.
 */
export function postgresCheck(pool: Queryable): Check {
  return async () => {
    try {
      await pool.query('SELECT 1');
      return { name: 'postgres', ok: true };
    } catch (error) {
      return { name: 'postgres', ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  };
}

/**
 * A consumer group member has joined its group and holds an assignment (an empty one counts: a group
 * with more members than partitions leaves some idle). A member that crashed is not ready until it
 * joins again.
 */
export function consumerCheck(name: string, consumer: { readonly joined: boolean }): Check {
  return () =>
    Promise.resolve(
      consumer.joined
        ? { name, ok: true, detail: 'assigned' }
        : { name, ok: false, detail: 'not in its group' },
    );
}

/** Kafka and registry checks plus an app's own checks, all run at once. */
export function readinessProbe(infrastructure: ReadinessProbe, ...checks: Check[]): ReadinessProbe {
  return async () => {
    const [shared, own] = await Promise.all([infrastructure(), Promise.all(checks.map((check) => check()))]);
    return [...shared, ...own];
  };
}
