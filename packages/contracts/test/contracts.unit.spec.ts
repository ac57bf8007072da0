import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import {
  EVENT_TYPES,
  fromRecord,
  loadSchemas,
  renderTypes,
  schemaOf,
  subjectFor,
  toRecord,
  topicFor,
  topics,
} from '@herald/contracts';
import type { EventOf } from '@herald/contracts';

test('generated types are up to date with schemas/*.avsc', (t) => {
  const generated = readFileSync(join(import.meta.dirname, '..', 'src', 'types.generated.ts'), 'utf8');
  t.is(generated, renderTypes(loadSchemas()), 'run: pnpm --filter @herald/contracts generate');
});

test('every schema parses with avsc and documents every field', (t) => {
  for (const type of EVENT_TYPES) {
    const schema = schemaOf(type);
    t.notThrows(() => avro.Type.forSchema(schema as avro.Schema));
    for (const field of schema.fields) t.truthy(field.doc, `${type}.${field.name} has no doc`);
    const names = schema.fields.map((f) => f.name);
    for (const common of ['event_id', 'message_id', 'tenant_id', 'occurred_at', 'to'])
      t.true(names.includes(common));
  }
});

test('toRecord and fromRecord round-trip through Avro bytes', (t) => {
  const event: EventOf<'MessageAccepted'> = {
    type: 'MessageAccepted',
    eventId: '0b6f1d2e-3c4a-4b5c-8d9e-0f1a2b3c4d5e',
    messageId: '1b6f1d2e-3c4a-4b5c-8d9e-0f1a2b3c4d5e',
    tenantId: 'tenant-a',
    occurredAt: 1_700_000_000_123,
    to: '+15551234567',
    channel: 'sms',
    from: null,
    text: 'hello',
    priority: 'express',
    clientReference: 'ref-1',
    callbackUrl: null,
    metadata: { order: '42' },
  };
  const type = avro.Type.forSchema(schemaOf('MessageAccepted') as avro.Schema);
  const bytes = type.toBuffer(toRecord(event));
  t.deepEqual(fromRecord('MessageAccepted', type.fromBuffer(bytes)), event);
});

test('routing of event types to topics and subjects', (t) => {
  const all = topics('t1.');
  t.is(all.requested, 't1.herald.message.requested');
  t.is(topicFor(all, 'MessageRouted', 'express'), 't1.herald.message.dispatch.express');
  t.is(topicFor(all, 'MessageRouted', 'normal'), 't1.herald.message.dispatch.normal');
  t.is(topicFor(all, 'MessageDelivered'), 't1.herald.message.events');
  t.is(subjectFor(all.events, 'MessageSent'), 't1.herald.message.events-dev.herald.message.MessageSent');
});
