import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBackward, checkSchemaChanges, schemaOf } from '@herald/contracts';
import type { AvroRecordSchema, PreviousVersion } from '@herald/contracts';

type Field = AvroRecordSchema['fields'][number];

const sent = schemaOf('MessageSent');
const delivered = schemaOf('MessageDelivered');
const withFields = (schema: AvroRecordSchema, fields: Field[]): AvroRecordSchema => ({ ...schema, fields });
const fieldNamed = (schema: AvroRecordSchema, name: string): Field => {
  const field = schema.fields.find((candidate) => candidate.name === name);
  if (!field) throw new Error(`${schema.name} has no field ${name}`);
  return field;
};

test('a schema is backward compatible with itself', (t) => {
  t.deepEqual(checkBackward(sent, sent), { compatible: true });
});

test('a new field without a default is refused: old records have no value for it', (t) => {
  const next = withFields(sent, [...sent.fields, { name: 'segments', type: 'int', doc: 'Parts billed.' }]);
  const result = checkBackward(sent, next);
  t.false(result.compatible);
  t.regex(result.compatible ? '' : result.reason, /default-less dev\.herald\.message\.MessageSent\.segments/);
});

test('a field whose type changes to one Avro cannot promote to is refused', (t) => {
  const next = withFields(
    sent,
    sent.fields.map((field) => (field.name === 'attempt' ? { ...field, type: 'string' } : field)),
  );
  const result = checkBackward(sent, next);
  t.false(result.compatible);
  t.regex(result.compatible ? '' : result.reason, /cannot read "int" as "string"/);
});

test('a renamed record is refused: the resolver matches records by full name', (t) => {
  const result = checkBackward(sent, { ...sent, name: 'MessageDispatched' });
  t.false(result.compatible);
});

test('an added optional field (null first, default null) is backward compatible', (t) => {
  const next = withFields(sent, [
    ...sent.fields,
    { name: 'price_micros', type: ['null', 'long'], default: null, doc: 'What the provider charged.' },
  ]);
  t.deepEqual(checkBackward(sent, next), { compatible: true });
});

test('a widened type that Avro promotes (int to long) is backward compatible', (t) => {
  const next = withFields(
    sent,
    sent.fields.map((field) => (field.name === 'latency_ms' ? { ...field, type: 'long' } : field)),
  );
  t.deepEqual(checkBackward(sent, next), { compatible: true });
});

test('removing a field is backward compatible: the new reader ignores what old writers wrote', (t) => {
  fieldNamed(delivered, 'provider_status'); // it exists, with a default, in the committed schema
  const next = withFields(
    delivered,
    delivered.fields.filter((field) => field.name !== 'provider_status'),
  );
  t.deepEqual(checkBackward(delivered, next), { compatible: true });
});

test('a new schema that is not valid Avro is refused with the parser reason', (t) => {
  const result = checkBackward(sent, { ...sent, fields: [{ name: 'x', type: 'no-such-type' }] });
  t.false(result.compatible);
  t.regex(result.compatible ? '' : result.reason, /not valid Avro/);
});

test('checkSchemaChanges gives one verdict per file from the previous versions it is given', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-schemas-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const breaking = withFields(sent, [...sent.fields, { name: 'segments', type: 'int' }]);
  writeFileSync(join(dir, 'MessageSent.avsc'), JSON.stringify(breaking));
  writeFileSync(join(dir, 'MessageDelivered.avsc'), JSON.stringify(delivered));
  writeFileSync(join(dir, 'MessageBrandNew.avsc'), JSON.stringify({ ...sent, name: 'MessageBrandNew' }));
  writeFileSync(join(dir, 'README.md'), 'not a schema');
  const previous: Record<string, PreviousVersion> = {
    'MessageSent.avsc': { found: true, commit: 'a'.repeat(40), content: JSON.stringify(sent) },
    'MessageDelivered.avsc': { found: false, reason: 'unchanged_since_added' },
    'MessageBrandNew.avsc': { found: false, reason: 'never_committed' },
  };
  const verdicts = checkSchemaChanges(dir, (_dir, file) => {
    const version = previous[file];
    if (!version) throw new Error(`asked about ${file}`);
    return version;
  });
  t.deepEqual(
    verdicts.map((verdict) => [verdict.file, verdict.outcome]),
    [
      ['MessageBrandNew.avsc', 'new'],
      ['MessageDelivered.avsc', 'unchanged'],
      ['MessageSent.avsc', 'incompatible'],
    ],
  );
});
