/** Where a provider's circuit stands: closed (traffic flows), open (none), half-open (a few trials). */
export type CircuitState = 'closed' | 'open' | 'half_open';

/** When a circuit opens and how it recovers. */
export interface CircuitPolicy {
  /** Opens after this many failures in a row. */
  consecutiveFailures: number;
  /** Opens when the failure rate over the window reaches this fraction (0..1)... */
  failureRate: number;
  /** ...once the window holds at least this many calls. */
  minimumCalls: number;
  /** Length of the sliding window of outcomes, in calls. */
  windowSize: number;
  /** How long an open circuit stays open before it lets trial calls through. */
  openMs: number;
  /** Trial calls allowed while half-open; all must succeed to close. */
  halfOpenTrials: number;
}

/** A circuit breaker's state: a value, evolved by the pure functions below. */
export interface Circuit {
  state: CircuitState;
  /** Outcomes of the last `windowSize` calls, oldest first (true = success). */
  window: readonly boolean[];
  consecutiveFailures: number;
  openedAt: number | null;
  /** Trial calls handed out while half-open, and how many of them succeeded. */
  trials: number;
  trialSuccesses: number;
}

export const DEFAULT_CIRCUIT_POLICY: CircuitPolicy = {
  consecutiveFailures: 5,
  failureRate: 0.5,
  minimumCalls: 20,
  windowSize: 50,
  openMs: 30_000,
  halfOpenTrials: 3,
};

/** A closed circuit with no history. */
export function closedCircuit(): Circuit {
  return {
    state: 'closed',
    window: [],
    consecutiveFailures: 0,
    openedAt: null,
    trials: 0,
    trialSuccesses: 0,
  };
}

/** The circuit as seen at `now`: an open circuit whose cool-down has passed is half-open. */
export function circuitAt(circuit: Circuit, policy: CircuitPolicy, now: number): Circuit {
  if (circuit.state === 'open' && circuit.openedAt !== null && now - circuit.openedAt >= policy.openMs) {
    return { ...circuit, state: 'half_open', trials: 0, trialSuccesses: 0 };
  }
  return circuit;
}

/**
 * Asks to make a call: closed always allows; half-open allows up to `halfOpenTrials` calls and
 * counts them; open refuses. Returns the decision and the circuit to keep.
 */
export function requestCall(
  circuit: Circuit,
  policy: CircuitPolicy,
  now: number,
): { allowed: boolean; circuit: Circuit } {
  const current = circuitAt(circuit, policy, now);
  switch (current.state) {
    case 'closed':
      return { allowed: true, circuit: current };
    case 'open':
      return { allowed: false, circuit: current };
    case 'half_open':
      if (current.trials >= policy.halfOpenTrials) return { allowed: false, circuit: current };
      return { allowed: true, circuit: { ...current, trials: current.trials + 1 } };
    default: {
      const exhaustive: never = current.state;
      return exhaustive;
    }
  }
}

/** Records a call's outcome. Only failures the provider is responsible for should be recorded as such. */
export function recordOutcome(
  circuit: Circuit,
  policy: CircuitPolicy,
  success: boolean,
  now: number,
): Circuit {
  const current = circuitAt(circuit, policy, now);
  const window = [...current.window, success].slice(-policy.windowSize);
  const consecutiveFailures = success ? 0 : current.consecutiveFailures + 1;
  switch (current.state) {
    case 'half_open': {
      if (!success) return open(now);
      const trialSuccesses = current.trialSuccesses + 1;
      if (trialSuccesses >= policy.halfOpenTrials) return closedCircuit();
      return { ...current, window, consecutiveFailures, trialSuccesses };
    }
    case 'open':
      // A call that was allowed before the circuit opened may finish late: it changes nothing.
      return current;
    case 'closed': {
      const failures = window.filter((outcome) => !outcome).length;
      const tooManyInARow = consecutiveFailures >= policy.consecutiveFailures;
      const tooHighARate =
        window.length >= policy.minimumCalls && failures / window.length >= policy.failureRate;
      if (tooManyInARow || tooHighARate) return open(now);
      return { ...current, window, consecutiveFailures };
    }
    default: {
      const exhaustive: never = current.state;
      return exhaustive;
    }
  }
}

function open(now: number): Circuit {
  return { state: 'open', window: [], consecutiveFailures: 0, openedAt: now, trials: 0, trialSuccesses: 0 };
}
