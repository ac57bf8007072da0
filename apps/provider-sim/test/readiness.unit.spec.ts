// The simulator's /readyz: ready only once its servers listen, 503 `draining` once a stop began.
import test from 'ava';
import { createSimulatorApp } from '../src/app.js';
import type { ServerCheck } from '../src/app.js';

test('/readyz is 503 until the servers are listening, 200 while they are, 503 draining after drain()', async (t) => {
  const sim = createSimulatorApp({ seed: 1 });
  t.teardown(() => sim.close(0));
  t.is((await sim.app.request('/readyz')).status, 503);
  const servers: ServerCheck[] = [
    { name: 'http', ok: true },
    { name: 'smpp', ok: false },
  ];
  sim.serving(() => servers);
  const smppDown = await sim.app.request('/readyz');
  t.is(smppDown.status, 503);
  t.like(await smppDown.json(), { status: 'not_ready' });
  servers[1] = { name: 'smpp', ok: true };
  const ready = await sim.app.request('/readyz');
  t.is(ready.status, 200);
  t.deepEqual(await ready.json(), { status: 'ready', checks: servers });
  sim.drain();
  const draining = await sim.app.request('/readyz');
  t.is(draining.status, 503);
  t.like(await draining.json(), { status: 'draining' });
  t.is((await sim.app.request('/healthz')).status, 200, 'the process is still up and serving');
});
