// HTTP metrics of the real ingress app (no infrastructure: every request here is answered before
// a database or Kafka is needed): labelled by the route pattern, never the raw path.
import test from 'ava';
import { createMetricsRegistry } from '@herald/telemetry';
import { parseMetrics, samplesOf, sumOf } from '@herald/testkit';
import { offlineIngressApp } from './support/offline-app.js';

test('requests are counted and timed by method, route pattern and status', async (t) => {
  const registry = createMetricsRegistry('ingress-test');
  const app = offlineIngressApp(registry);
  const ids = ['0b6f7d1e-8a8c-4a8e-9d7e-1c2b3a4d5e6f', '5e0c2f4a-3b1d-4c6e-8f9a-0b1c2d3e4f50'];
  for (const id of ids) t.is((await app.request(`/v1/messages/${id}`)).status, 401);
  t.is((await app.request('/v1/messages', { method: 'POST', body: '{}' })).status, 401);
  t.is((await app.request('/healthz')).status, 200);
  t.is((await app.request('/no/such/path/42')).status, 404);
  // Unknown paths under /v1 meet the auth middleware first; still no series of their own.
  t.is((await app.request('/v1/no-such-resource/42')).status, 401);

  const exposition = parseMetrics(await registry.metrics());
  const requests = (labels: Record<string, string>) =>
    sumOf(exposition, 'herald_http_requests_total', labels);
  // Refused by the auth middleware, yet counted under the handler's pattern, once per request.
  t.is(requests({ method: 'GET', route: '/v1/messages/:id', status: '401' }), 2);
  t.is(requests({ method: 'POST', route: '/v1/messages', status: '401' }), 1);
  t.is(requests({ method: 'GET', route: '/healthz', status: '200' }), 1);
  t.is(requests({ route: 'unmatched', status: '404' }), 1);
  t.is(requests({ route: 'unmatched', status: '401' }), 1);
  const routes = new Set(samplesOf(exposition, 'herald_http_requests_total').map((s) => s.labels.route));
  t.deepEqual([...routes].sort(), ['/healthz', '/v1/messages', '/v1/messages/:id', 'unmatched']);
  t.is(
    sumOf(exposition, 'herald_http_request_duration_seconds_count', {
      method: 'GET',
      route: '/v1/messages/:id',
    }),
    2,
  );
  // Every series carries the service label of its registry.
  t.true(
    samplesOf(exposition, 'herald_http_requests_total').every((s) => s.labels.service === 'ingress-test'),
  );
});
