// With HERALD_OTEL_EXPORTER=otlp, spans leave over OTLP/HTTP to the configured endpoint, and the
// shutdown flushes what is still buffered (a local HTTP server stands in for the collector).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { inConsumerSpan, shutdownTracing, startTracing } from '../src/index.js';

interface Export {
  path: string;
  contentType: string;
  body: string;
}

test('spans are exported over OTLP/HTTP with the app as service.name, flushed at shutdown', async (t) => {
  const exports: Export[] = [];
  const collector = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      exports.push({ path: request.url ?? '', contentType: request.headers['content-type'] ?? '', body });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => collector.close(() => resolve())));
  const { port } = collector.address() as AddressInfo;

  const tracing = startTracing({
    service: 'router',
    exporter: 'otlp',
    endpoints: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/` },
    instanceId: 'router-7',
  });
  t.is(tracing.endpoint, `http://127.0.0.1:${port}/v1/traces`);
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const spanId = await inConsumerSpan(
    { topic: 'herald.message.requested', partition: 0, offset: '3', headers: { traceparent } },
    'herald-router',
    async (span) => span.spanContext().spanId,
  );
  // Batches leave every 5 s by default: only the shutdown can have sent this one so soon.
  t.true(await shutdownTracing());
  t.is(exports.length, 1);
  const [sent] = exports;
  t.is(sent?.path, '/v1/traces');
  t.regex(sent?.contentType ?? '', /json/);
  const body = sent?.body ?? '';
  for (const expected of [
    '"service.name"',
    '"herald-router"',
    '"service.instance.id"',
    '"router-7"',
    '0af7651916cd43dd8448eb211c80319c',
    spanId,
    'process herald.message.requested',
  ])
    t.true(body.includes(expected), `${expected} in ${body.slice(0, 300)}`);
});
