import type { Pool } from './pool.js';

/** Records the circuit state one sender instance has for a provider. */
export async function recordCircuit(
  pool: Pool,
  circuit: {
    providerId: string;
    instanceId: string;
    state: 'closed' | 'open' | 'half_open';
    openUntil: number | null;
  },
): Promise<void> {
  await pool.query(
    `INSERT INTO provider_circuits (provider_id, instance_id, state, open_until) VALUES ($1, $2, $3, $4)
     ON CONFLICT (provider_id, instance_id) DO UPDATE
       SET state = EXCLUDED.state, open_until = EXCLUDED.open_until, updated_at = now()`,
    [
      circuit.providerId,
      circuit.instanceId,
      circuit.state,
      circuit.openUntil === null ? null : new Date(circuit.openUntil),
    ],
  );
}

/** Providers whose circuit is open on any sender instance at `now`. */
export async function openCircuits(pool: Pool, now: number): Promise<Set<string>> {
  const { rows } = await pool.query<{ provider_id: string }>(
    `SELECT DISTINCT provider_id FROM provider_circuits WHERE state = 'open' AND open_until > $1`,
    [new Date(now)],
  );
  return new Set(rows.map((row) => row.provider_id));
}
