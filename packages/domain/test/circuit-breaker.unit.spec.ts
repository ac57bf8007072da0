import test from 'ava';
import fc from 'fast-check';
import { closedCircuit, recordOutcome, requestCall } from '../src/index.js';
import type { Circuit, CircuitPolicy } from '../src/index.js';

const policy: CircuitPolicy = {
  consecutiveFailures: 3,
  failureRate: 0.5,
  minimumCalls: 10,
  windowSize: 20,
  openMs: 1000,
  halfOpenTrials: 2,
};

const fail = (c: Circuit, now = 0) => recordOutcome(c, policy, false, now);
const succeed = (c: Circuit, now = 0) => recordOutcome(c, policy, true, now);

test('opens after consecutive failures and refuses calls until the cool-down passes', (t) => {
  let circuit = closedCircuit();
  circuit = fail(fail(circuit));
  t.is(circuit.state, 'closed');
  circuit = fail(circuit, 100);
  t.is(circuit.state, 'open');
  t.false(requestCall(circuit, policy, 1099).allowed);
  const trial = requestCall(circuit, policy, 1100);
  t.true(trial.allowed);
  t.is(trial.circuit.state, 'half_open');
});

test('opens on the failure rate over the window once it holds enough calls', (t) => {
  let circuit = closedCircuit();
  // 4 failures in 9 calls, never 3 in a row: under minimumCalls, and under the rate anyway.
  for (const success of [false, true, false, true, true, false, true, false, true]) {
    circuit = recordOutcome(circuit, policy, success, 0);
  }
  t.is(circuit.state, 'closed');
  circuit = fail(circuit);
  t.is(circuit.state, 'open', '5 failures in 10 calls reaches the 50% rate');
});

test('stays closed below the failure rate', (t) => {
  let circuit = closedCircuit();
  for (const success of [false, true, true, false, true, true, false, true, true, false]) {
    circuit = recordOutcome(circuit, policy, success, 0);
  }
  t.is(circuit.state, 'closed', '4 failures in 10 calls');
});

test('half-open closes after its trials succeed and reopens on a trial failure', (t) => {
  const opened = fail(fail(fail(closedCircuit())), 0);
  let { circuit } = requestCall(opened, policy, 1000);
  ({ circuit } = requestCall(circuit, policy, 1000));
  t.false(requestCall(circuit, policy, 1000).allowed, 'no more than halfOpenTrials trials at once');
  const closed = succeed(succeed(circuit, 1001), 1002);
  t.is(closed.state, 'closed');
  const reopened = fail(requestCall(opened, policy, 1000).circuit, 1001);
  t.is(reopened.state, 'open');
  t.is(reopened.openedAt, 1001);
});

test('an open circuit never allows a call before its cool-down, whatever the history', (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 400 })), { maxLength: 200 }),
      (steps) => {
        let circuit = closedCircuit();
        let now = 0;
        for (const [success, advance] of steps) {
          now += advance;
          const decision = requestCall(circuit, policy, now);
          if (
            circuit.state === 'open' &&
            circuit.openedAt !== null &&
            now - circuit.openedAt < policy.openMs
          ) {
            if (decision.allowed) return false;
          }
          circuit = decision.allowed
            ? recordOutcome(decision.circuit, policy, success, now)
            : decision.circuit;
        }
        return true;
      },
    ),
  );
  t.pass();
});
