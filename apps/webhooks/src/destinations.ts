import type { Dispatcher } from 'undici';
import { checkUrl, pinnedAgent } from '@herald/webhooks';
import type { AllowList, Lookup, SsrfError } from '@herald/webhooks';

/** Where a delivery may go: an agent pinned to the checked addresses, or why it may not. */
export type Destination = { ok: true; agent: Dispatcher } | { ok: false; error: SsrfError };

interface Checked {
  destination: Destination;
  /** The addresses the agent is pinned to, so a re-check that gives the same keeps the agent. */
  addresses: string | null;
}

interface Entry {
  /** Single flight: concurrent deliveries to one origin share one check. */
  checked: Promise<Checked>;
  checkedAt: number;
  usedAt: number;
}

/** Options of `Destinations`. */
export interface DestinationsOptions {
  allow: AllowList;
  /** How long a check (and its refusal) holds before the host is resolved and checked again. */
  ttlMs: number;
  lookup?: Lookup;
  now?: () => number;
}

/**
 * The SSRF guard in front of every attempt, per origin: the URL is checked (scheme, credentials,
 * every resolved address allowed) and an undici agent pinned to the checked addresses is kept, so
 * keep-alive connections are reused and DNS cannot send a connection elsewhere after the check.
 * Checks expire after `ttlMs`: a host that moves to a private address is refused within it.
 */
export class Destinations {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private sweptAt: number;

  constructor(private readonly options: DestinationsOptions) {
    this.now = options.now ?? Date.now;
    this.sweptAt = this.now();
  }

  /** The agent for a URL's origin, or the SsrfError that refuses it. */
  async for(url: string): Promise<Destination> {
    const now = this.now();
    this.sweep(now);
    const origin = originOf(url);
    let entry = this.entries.get(origin);
    if (entry === undefined || now - entry.checkedAt >= this.options.ttlMs) {
      entry = { checked: this.check(url, entry?.checked), checkedAt: now, usedAt: now };
      this.entries.set(origin, entry);
    }
    entry.usedAt = now;
    return (await entry.checked).destination;
  }

  /** Closes every agent, letting requests in flight finish. */
  async close(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((entry) => closeAgent(entry.checked)));
  }

  private async check(url: string, previous: Promise<Checked> | undefined): Promise<Checked> {
    const checked = await checkUrl(url, {
      allow: this.options.allow,
      ...(this.options.lookup === undefined ? {} : { lookup: this.options.lookup }),
    });
    const before = await previous?.catch(() => undefined);
    const addresses = checked.ok ? checked.value.addresses.map((a) => a.address).join(',') : null;
    if (before?.destination.ok && addresses !== null && before.addresses === addresses) return before;
    if (previous !== undefined) void closeAgent(previous);
    if (!checked.ok) return { destination: { ok: false, error: checked.error }, addresses };
    const agent = pinnedAgent(checked.value, { agent: { keepAliveTimeout: 30_000 } });
    return { destination: { ok: true, agent }, addresses };
  }

  /** Closes the agents of origins unused for ten check periods, at most once per period. */
  private sweep(now: number): void {
    if (now - this.sweptAt < this.options.ttlMs) return;
    this.sweptAt = now;
    for (const [origin, entry] of this.entries) {
      if (now - entry.usedAt < 10 * this.options.ttlMs) continue;
      this.entries.delete(origin);
      void closeAgent(entry.checked);
    }
  }
}

async function closeAgent(checked: Promise<Checked>): Promise<void> {
  const { destination } = await checked;
  if (destination.ok) await destination.agent.close().catch(() => undefined);
}

// Endpoint URLs repeat with every delivery: parse each once (bounded, cleared when full).
const origins = new Map<string, string>();
const MAX_ORIGINS = 10_000;

/** The cache key of a URL: its origin, or the URL itself when it has none (checkUrl refuses it). */
function originOf(url: string): string {
  let origin = origins.get(url);
  if (origin !== undefined) return origin;
  try {
    const parsed = new URL(url).origin;
    origin = parsed === 'null' ? url : parsed;
  } catch {
    origin = url;
  }
  if (origins.size >= MAX_ORIGINS) origins.clear();
  origins.set(url, origin);
  return origin;
}
