import type { ExecutionContext } from 'ava';
import { SmppTransport } from '@herald/transports';
import type { SmppTransportOptions, StatusUpdate } from '@herald/transports';
import { createSimulatorApp } from '../../src/app.js';
import type { Simulator } from '../../src/app.js';
import type { SimulatorOptionsInput } from '../../src/options.js';

export const SYSTEM_ID = 'herald-test';
export const PASSWORD = 'test-pass';

/** A simulator whose SMPP server listens on an ephemeral port, and a transport bound to it. */
export interface SmppSimulatorUnderTest {
  sim: Simulator;
  port: number;
  transport: SmppTransport;
  updates: StatusUpdate[];
}

/** Starts the real simulator's SMPP side; fast by default, torn down after the test. */
export async function startSmppSimulator(
  t: ExecutionContext,
  input: SimulatorOptionsInput = {},
  transportOptions: Partial<SmppTransportOptions> = {},
): Promise<SmppSimulatorUnderTest> {
  const sim = createSimulatorApp({
    smpp: { systemId: SYSTEM_ID, password: PASSWORD },
    latencyMs: 0,
    callbackDelayMs: 5,
    seed: 1,
    ...input,
  });
  const { port } = await sim.smpp.listen('127.0.0.1', 0);
  const transport = smppTransport(port, transportOptions);
  const updates: StatusUpdate[] = [];
  transport.onStatusUpdate((update) => updates.push(update));
  t.teardown(async () => {
    await transport.close();
    await sim.close(0);
  });
  return { sim, port, transport, updates };
}

/** The production transport, configured as Herald would configure it against the simulator. */
export function smppTransport(port: number, options: Partial<SmppTransportOptions> = {}): SmppTransport {
  return new SmppTransport({
    host: '127.0.0.1',
    port,
    systemId: SYSTEM_ID,
    password: PASSWORD,
    sourceAddr: '+15550000003',
    timeoutMs: 5_000,
    reconnectBaseMs: 20,
    ...options,
  });
}
