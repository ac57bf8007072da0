import {
  addProviderHealth,
  appendTimeline,
  copyEventsToTimeline,
  applyBroadcastDeltas,
  applyUsageDeltas,
  saveMessages,
} from '@herald/store';
import type { PoolClient } from '@herald/store';
import { broadcastDeltas, providerHealthRows, timelineRow, usageDeltas } from './contributions.js';
import type { ProjectionBatch } from './fold.js';

/** A read model the projector keeps and `herald replay` can rebuild. */
export interface Projection {
  name: ProjectionName;
  /** Its tables, in the order they are created and swapped. */
  tables: readonly string[];
  summary: string;
  /** True when it reads messages' states before and after a batch (not only the events). */
  needsStates: boolean;
  apply: (client: PoolClient, batch: ProjectionBatch) => Promise<void>;
  /**
   * Builds the read model from the stored events in positions (after, upTo] inside Postgres, for a
   * replay from the store; must write exactly what `apply` writes for those events.
   */
  copyFromStore?: (client: PoolClient, after: bigint, upTo: bigint) => Promise<number>;
}

export const PROJECTION_NAMES = ['messages', 'timeline', 'broadcasts', 'usage', 'provider_health'] as const;
export type ProjectionName = (typeof PROJECTION_NAMES)[number];

/** Every read model, in the order a batch applies them. */
export const PROJECTIONS: readonly Projection[] = [
  {
    name: 'messages',
    needsStates: true,
    tables: ['messages'],
    summary: 'current state of every message (GET /v1/messages, GET /v1/messages/:id)',
    apply: (client, batch) =>
      saveMessages(
        client,
        batch.changes.map((change) => change.after),
      ),
  },
  {
    name: 'timeline',
    needsStates: false,
    tables: ['message_timeline'],
    summary: "every message's events in order (GET /v1/messages/:id/timeline)",
    apply: (client, batch) => appendTimeline(client, batch.events.map(timelineRow)),
    copyFromStore: copyEventsToTimeline,
  },
  {
    name: 'broadcasts',
    needsStates: true,
    tables: ['broadcasts', 'broadcast_status_counts'],
    summary: "each broadcast's messages counted per status (GET /v1/broadcasts/:id)",
    apply: async (client, batch) => {
      const { broadcasts, counts } = broadcastDeltas(batch.changes);
      await applyBroadcastDeltas(client, broadcasts, counts);
    },
  },
  {
    name: 'usage',
    needsStates: true,
    tables: ['usage_daily'],
    summary: "each tenant's messages, outcomes and spend per day and channel (GET /v1/usage)",
    apply: (client, batch) => applyUsageDeltas(client, usageDeltas(batch.changes)),
  },
  {
    name: 'provider_health',
    needsStates: false,
    tables: ['provider_health_minutely'],
    summary: "each provider's sends, failures and latency per minute (GET /v1/admin/providers/health)",
    apply: (client, batch) => addProviderHealth(client, providerHealthRows(batch.events)),
  },
];

/** The projection called `name`, or undefined. */
export function projectionNamed(name: string): Projection | undefined {
  return PROJECTIONS.find((projection) => projection.name === name);
}

/** Applies a batch to the given read models (all of them by default), one after the other. */
export async function applyProjections(
  client: PoolClient,
  batch: ProjectionBatch,
  projections: readonly Projection[] = PROJECTIONS,
): Promise<void> {
  for (const projection of projections) await projection.apply(client, batch);
}
