import test from 'ava';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import {
  EVENT_TYPES,
  fromRecord,
  loadSchemas,
  renderTypes,
  SCHEMA_DIR,
  schemaOf,
  subjectFor,
  toRecord,
  topicFor,
  topics,
} from '@herald/contracts';
import type { AvroRecordSchema, EventOf, EventType } from '@herald/contracts';

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
    sendAt: 1_700_000_600_000,
    expiresAt: null,
    parts: 2,
    encoding: 'UCS-2',
    costMicros: 20_000,
    broadcastId: '2b6f1d2e-3c4a-4b5c-8d9e-0f1a2b3c4d5e',
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

test('a cancel request follows its accept on the requested topic; lifecycle outcomes go to events', (t) => {
  const all = topics();
  t.is(topicFor(all, 'MessageAccepted'), 'herald.message.requested');
  t.is(topicFor(all, 'MessageCancelRequested'), 'herald.message.requested');
  for (const type of ['MessageScheduled', 'MessageCancelled', 'MessageExpired', 'MessageRead'] as const)
    t.is(topicFor(all, type), 'herald.message.events', type);
});

test('every event type round-trips a random record through the codec and Avro bytes', (t) => {
  for (const type of EVENT_TYPES) {
    const avroType = avro.Type.forSchema(schemaOf(type) as avro.Schema);
    const record: unknown = avroType.random();
    const event = fromRecord(type, record as Parameters<typeof fromRecord<EventType>>[1]);
    t.is(event.type, type);
    t.true(avroType.toBuffer(toRecord(event)).equals(avroType.toBuffer(record)), type);
  }
});

// --- BACKWARD compatibility against the committed history of each schema ------------------------

const ROOT = join(SCHEMA_DIR, '..');
const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' });

/** Every committed version of a schema file, oldest first; empty for a file not committed yet. */
function committedVersions(file: string): AvroRecordSchema[] {
  const commits = git('log', '--format=%H', '--', `schemas/${file}`).split('\n').filter(Boolean).reverse();
  return commits.flatMap((commit) => {
    const tree = git('ls-tree', '--name-only', commit, '--', `schemas/${file}`).trim();
    return tree === '' ? [] : [JSON.parse(git('show', `${commit}:schemas/${file}`)) as AvroRecordSchema];
  });
}

const history = new Map(EVENT_TYPES.map((type) => [type, committedVersions(`${type}.avsc`)]));

test('the schema history is readable from git', (t) => {
  t.true(
    (history.get('MessageAccepted') ?? []).length > 0,
    'no committed MessageAccepted.avsc: is this a git checkout?',
  );
});

test('every field added after a schema was first committed has a default (BACKWARD compatible)', (t) => {
  for (const type of EVENT_TYPES) {
    const first = history.get(type)?.[0];
    if (first === undefined) continue; // a new schema: its fields are its first version
    const original = new Set(first.fields.map((field) => field.name));
    for (const field of schemaOf(type).fields) {
      if (!original.has(field.name))
        t.true('default' in field, `${type}.${field.name} was added without a default`);
    }
  }
});

test('each schema reads records written with every committed version of it', (t) => {
  for (const type of EVENT_TYPES) {
    const reader = avro.Type.forSchema(schemaOf(type) as avro.Schema);
    for (const version of history.get(type) ?? []) {
      const writer = avro.Type.forSchema(version as avro.Schema);
      const resolver = reader.createResolver(writer);
      const written = writer.random() as unknown as Record<string, unknown>;
      const read = reader.fromBuffer(writer.toBuffer(written), resolver) as Record<string, unknown>;
      for (const field of version.fields) t.deepEqual(read[field.name], written[field.name]);
    }
  }
});

test('a MessageAccepted written before scheduling and billing existed reads with their defaults', (t) => {
  const first = history.get('MessageAccepted')?.[0];
  if (first === undefined) return t.fail('MessageAccepted.avsc has no committed version');
  const writer = avro.Type.forSchema(first as avro.Schema);
  const reader = avro.Type.forSchema(schemaOf('MessageAccepted') as avro.Schema);
  const read = reader.fromBuffer(writer.toBuffer(writer.random()), reader.createResolver(writer)) as Record<
    string,
    unknown
  >;
  t.like(read, {
    send_at: null,
    expires_at: null,
    parts: 1,
    encoding: null,
    cost_micros: 0,
    broadcast_id: null,
  });
});
