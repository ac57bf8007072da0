import { circuitAt, closedCircuit, recordOutcome, requestCall } from '@herald/domain';
import type { Circuit, CircuitPolicy, CircuitState } from '@herald/domain';

/** A change of a provider's circuit state, for persistence and metrics. */
export interface CircuitChange {
  providerId: string;
  state: CircuitState;
  openUntil: number | null;
}

/** The circuit breakers of every provider in this sender, with change notifications. */
export class ProviderGuards {
  private readonly circuits = new Map<string, Circuit>();

  constructor(
    /** The breaker thresholds of each provider (defaults with its own overrides). */
    private readonly policyOf: (providerId: string) => CircuitPolicy,
    private readonly clock: () => number,
    private readonly onChange: (change: CircuitChange) => void,
  ) {}

  /** True when a call to the provider may be made now (counts a half-open trial). */
  allow(providerId: string): boolean {
    const before = this.get(providerId);
    const decision = requestCall(before, this.policyOf(providerId), this.clock());
    this.set(providerId, before, decision.circuit);
    return decision.allowed;
  }

  /** Records the outcome of a call that was allowed. */
  record(providerId: string, success: boolean): void {
    const before = this.get(providerId);
    this.set(providerId, before, recordOutcome(before, this.policyOf(providerId), success, this.clock()));
  }

  /** Providers whose circuit is open right now in this instance. */
  openProviders(): Set<string> {
    const now = this.clock();
    const open = new Set<string>();
    for (const [id, circuit] of this.circuits)
      if (circuitAt(circuit, this.policyOf(id), now).state === 'open') open.add(id);
    return open;
  }

  /** Current state of a provider's circuit. */
  state(providerId: string): CircuitState {
    return circuitAt(this.get(providerId), this.policyOf(providerId), this.clock()).state;
  }

  private get(providerId: string): Circuit {
    return this.circuits.get(providerId) ?? closedCircuit();
  }

  private set(providerId: string, before: Circuit, after: Circuit): void {
    this.circuits.set(providerId, after);
    if (before.state !== after.state) {
      const openUntil =
        after.state === 'open' && after.openedAt !== null
          ? after.openedAt + this.policyOf(providerId).openMs
          : null;
      this.onChange({ providerId, state: after.state, openUntil });
    }
  }
}
