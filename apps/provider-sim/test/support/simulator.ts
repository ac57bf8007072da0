import type { ExecutionContext } from 'ava';
import { TwilioTransport } from '@herald/transports';
import type { OutboundMessage } from '@herald/transports';
import { createSimulatorApp } from '../../src/app.js';
import type { Simulator } from '../../src/app.js';
import type { SimulatorOptionsInput } from '../../src/options.js';
import { listen } from '../../src/server.js';
import type { RunningServer } from '../../src/server.js';

export const ACCOUNT_SID = 'ACtest00000000000000000000000000';
export const AUTH_TOKEN = 'test-sim-auth-token';

/** A simulator on a real port, and a TwilioTransport pointed at it. */
export interface SimulatorUnderTest {
  sim: Simulator;
  server: RunningServer;
  transport: TwilioTransport;
}

/** Starts the real app on an ephemeral port; fast by default, torn down after the test. */
export async function startSimulator(
  t: ExecutionContext,
  input: SimulatorOptionsInput = {},
): Promise<SimulatorUnderTest> {
  const sim = createSimulatorApp({
    twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN },
    latencyMs: 0,
    callbackDelayMs: 5,
    callbackRetryBaseMs: 10,
    seed: 1,
    ...input,
  });
  const server = await listen(sim.app, '127.0.0.1', 0);
  const transport = twilioTransport(server.url, AUTH_TOKEN);
  t.teardown(async () => {
    await transport.close();
    await sim.close(0);
    await server.close();
  });
  return { sim, server, transport };
}

/** The production transport, configured as Herald would configure it against the simulator. */
export function twilioTransport(baseUrl: string, authToken: string): TwilioTransport {
  return new TwilioTransport({
    accountSid: ACCOUNT_SID,
    authToken,
    baseUrl,
    from: '+15017122661',
    timeoutMs: 5_000,
  });
}

/** A message with a recipient and a callback URL; override per test. */
export function message(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    messageId: 'msg-1',
    tenantId: 'tenant-1',
    channel: 'sms',
    to: '+15558675310',
    from: null,
    text: 'Your code is 123456',
    statusCallbackUrl: null,
    ...overrides,
  };
}

/** Polls `check` until it holds; for state that has no event to wait on (counters, GET). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
