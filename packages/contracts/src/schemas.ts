import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventType } from './types.generated.js';

/** The Avro namespace shared by every message event. */
export const NAMESPACE = 'dev.herald.message';

/** Folder holding the `.avsc` files: the single source of truth for every event's shape. */
export const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'schemas');

/** A raw Avro record schema as stored in `schemas/*.avsc`. */
export interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace: string;
  doc?: string;
  fields: { name: string; type: unknown; doc?: string; default?: unknown }[];
}

function isRecordSchema(value: unknown): value is AvroRecordSchema {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return record.type === 'record' && typeof record.name === 'string' && Array.isArray(record.fields);
}

/** Reads every schema file; fails loudly on a file that is not an Avro record. */
export function loadSchemas(dir: string = SCHEMA_DIR): Map<string, AvroRecordSchema> {
  const schemas = new Map<string, AvroRecordSchema>();
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.avsc'))
    .sort()) {
    const parsed: unknown = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    if (!isRecordSchema(parsed)) throw new Error(`schemas/${file} is not an Avro record schema`);
    if (`${parsed.name}.avsc` !== file) throw new Error(`schemas/${file} declares record ${parsed.name}`);
    schemas.set(parsed.name, parsed);
  }
  return schemas;
}

let cached: Map<string, AvroRecordSchema> | undefined;

/** The schema of one event type, loaded once per process. */
export function schemaOf(type: EventType): AvroRecordSchema {
  cached ??= loadSchemas();
  const schema = cached.get(type);
  if (!schema) throw new Error(`no schema file for event type ${type} in ${SCHEMA_DIR}`);
  return schema;
}

/** Full Avro name of an event type, e.g. `dev.herald.message.MessageSent`. */
export function fullName(type: EventType): string {
  return `${NAMESPACE}.${type}`;
}
