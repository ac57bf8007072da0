import type { ResponseCheck } from './http.js';

/**
 * Collects the ids Herald answered 202 for, from single sends (`{id}`) and batch sends
 * (`{results: [{id} | {error}]}`); what it collected is what the ledger check accounts for.
 */
export class AcceptedIds {
  readonly ids: string[] = [];
  readonly broadcasts: { id: string; accepted: number }[] = [];
  /** Items of batches answered 202 but refused one by one (they were never accepted). */
  rejectedItems = 0;

  get count(): number {
    return this.ids.length + this.broadcasts.reduce((sum, b) => sum + b.accepted, 0);
  }

  /** For `POST /v1/messages`. */
  readonly single: ResponseCheck = (status, body) => {
    if (status !== 202) return { ok: false, reason: status === 0 ? `transport: ${body}` : `HTTP ${status}` };
    const { id } = JSON.parse(body) as { id?: unknown };
    if (typeof id !== 'string') return { ok: false, reason: '202 without an id' };
    this.ids.push(id);
    return { ok: true };
  };

  /** For `POST /v1/messages/batch`. */
  readonly batch: ResponseCheck = (status, body) => {
    if (status !== 202) return { ok: false, reason: status === 0 ? `transport: ${body}` : `HTTP ${status}` };
    const { results } = JSON.parse(body) as { results?: { id?: unknown }[] };
    for (const item of results ?? []) {
      if (typeof item.id === 'string') this.ids.push(item.id);
      else this.rejectedItems++;
    }
    return { ok: true };
  };

  /** For `POST /v1/broadcasts`. */
  readonly broadcast: ResponseCheck = (status, body) => {
    if (status !== 202) return { ok: false, reason: status === 0 ? `transport: ${body}` : `HTTP ${status}` };
    const { id, accepted } = JSON.parse(body) as { id?: unknown; accepted?: unknown };
    if (typeof id !== 'string' || typeof accepted !== 'number')
      return { ok: false, reason: '202 without id/accepted' };
    this.broadcasts.push({ id, accepted });
    return { ok: true };
  };
}
