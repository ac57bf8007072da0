import test from 'ava';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { HeraldEvent } from '@herald/contracts';
import { inConsumerSpan, startConsumerSpan, endSpan, startTracing } from '@herald/telemetry';
import { eventHeaders } from '../src/index.js';

const CAUSE_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CAUSE = { traceparent: Buffer.from(`00-${CAUSE_TRACE}-00f067aa0ba902b7-01`) };

const event = {
  type: 'MessageCancelled',
  eventId: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
  messageId: '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
  tenantId: 'acme',
  to: '+14155550100',
  occurredAt: 0,
} as unknown as HeraldEvent;

const consumed = { topic: 'herald.message.requested', partition: 0, offset: '7', headers: CAUSE };

test.serial('without tracing, the cause trace context is copied so the trace id still travels', (t) => {
  t.is(eventHeaders(event, CAUSE).traceparent, CAUSE.traceparent);
  t.is(eventHeaders(event).traceparent, undefined);
  t.like(eventHeaders(event), { 'event-type': 'MessageCancelled', 'message-id': event.messageId });
});

test.serial(
  'with tracing, the produced record carries the span that produced it, in the same trace',
  async (t) => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing({
      service: 'test',
      exporter: 'none',
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    t.teardown(() => tracing.shutdown());
    const { headers, spanId } = await inConsumerSpan(consumed, 'herald-router', async (span) => ({
      headers: eventHeaders(event, CAUSE),
      spanId: span.spanContext().spanId,
    }));
    t.is(headers.traceparent, `00-${CAUSE_TRACE}-${spanId}-01`);
    // An explicit context wins over the active one: a batch handler names each record's own span.
    const recordSpan = startConsumerSpan(consumed, 'herald-router');
    const explicit = eventHeaders(event, CAUSE, recordSpan);
    endSpan(recordSpan);
    const [, second] = exporter.getFinishedSpans();
    t.is(explicit.traceparent, `00-${CAUSE_TRACE}-${second?.spanContext().spanId}-01`);
    t.is(eventHeaders(event).traceparent, undefined, 'outside any span and without a cause: none');
  },
);
