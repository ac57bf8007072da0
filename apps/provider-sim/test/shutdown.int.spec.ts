import { spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { request } from 'undici';
import { startCallbackReceiver } from './support/callback-receiver.js';
import { ACCOUNT_SID, message, startSimulator } from './support/simulator.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

test('close flushes pending status steps at once instead of waiting out their delay', async (t) => {
  const { sim, transport } = await startSimulator(t, { callbackDelayMs: 60_000 });
  const receiver = await startCallbackReceiver();
  t.teardown(() => receiver.close());
  t.true((await transport.send(message({ statusCallbackUrl: receiver.url('/cb') }))).ok);
  const report = await sim.close(5_000);
  t.like(report, {
    pendingAtClose: 1,
    flushed: true,
    stats: { pendingLifecycles: 0, finalStatuses: { delivered: 1 } },
  });
  t.deepEqual(
    receiver.received.map((callback) => callback.params.MessageStatus),
    ['sent', 'delivered'],
  );
});

test('close cancels callbacks that do not finish within the grace period', async (t) => {
  const { sim, transport } = await startSimulator(t);
  const receiver = await startCallbackReceiver(() => 'hang');
  t.teardown(() => receiver.close());
  t.true((await transport.send(message({ statusCallbackUrl: receiver.url('/cb') }))).ok);
  await receiver.waitFor((received) => received.length === 1);
  const report = await sim.close(100);
  t.like(report, { flushed: false, stats: { pendingLifecycles: 0, callbacks: { cancelled: 1, sent: 0 } } });
});

test('after close, sends are refused with a retryable 503', async (t) => {
  const { sim, transport } = await startSimulator(t);
  await sim.close(0);
  t.like(await transport.send(message()), { ok: false, retryable: true, errorCode: 'twilio_20503' });
  t.like(sim.stats().rejected, { shutting_down: 1 });
});

/** Runs src/main.ts as a deployment would, collecting its JSON log lines. */
function startProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--conditions=herald-source', '--import', 'tsx', MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const entries: Record<string, unknown>[] = [];
  const arrivals = new EventEmitter();
  createInterface({ input: child.stdout }).on('line', (line) => {
    entries.push(Object.fromEntries(Object.entries(JSON.parse(line) as object)));
    arrivals.emit('entry');
  });
  /** Resolves with the first log entry whose message matches; rejects if the process exits first. */
  const logEntry = (msg: RegExp): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const entry = entries.find((candidate) => msg.test(String(candidate.msg)));
        if (entry === undefined) return;
        arrivals.off('entry', check);
        child.off('exit', onExit);
        resolve(entry);
      };
      const onExit = (): void =>
        reject(new Error(`exited before logging ${msg}: ${JSON.stringify(entries)}`));
      arrivals.on('entry', check);
      child.once('exit', onExit);
      check();
    });
  return { child, logEntry };
}

test('the process serves, then stops cleanly on SIGTERM', async (t) => {
  const { child, logEntry } = startProcess({
    SIM_HTTP_PORT: '0',
    SIM_SMPP_PORT: '0',
    SIM_SEED: '5',
    SIM_LATENCY_MS: '0',
  });
  t.teardown(() => child.kill('SIGKILL'));
  const listening = await logEntry(/listening/);
  t.is(listening.seed, 5);
  const response = await request(`${String(listening.url)}/healthz`);
  t.is(response.statusCode, 200);
  await response.body.dump();
  const ready = await request(`${String(listening.url)}/readyz`);
  t.is(ready.statusCode, 200);
  t.deepEqual(await ready.body.json(), { status: 'ready', checks: [{ name: 'http', ok: true }] });
  const exited = once(child, 'exit');
  const stopped = logEntry(/^stopped/);
  child.kill('SIGTERM');
  t.like(await stopped, { flushed: true });
  const [code] = await exited;
  t.is(code, 0);
});

test('the process refuses to start on a bad variable and names it', async (t) => {
  const { child } = startProcess({
    SIM_HTTP_PORT: '0',
    SIM_SMPP_PORT: '0',
    SIM_UNDELIVERED_RATE: '1.5',
    HERALD_TWILIO_ACCOUNT_SID: ACCOUNT_SID,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const [code] = await once(child, 'exit');
  t.is(code, 2);
  t.regex(output, /SIM_UNDELIVERED_RATE must be a number between 0 and 1/);
});
