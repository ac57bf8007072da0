import type { EventRecords, EventType } from './types.generated.js';
import { schemaOf } from './schemas.js';

type SnakeToCamel<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<SnakeToCamel<Tail>>}`
  : S;

/** A wire record with camelCase keys: the shape Herald's code works with. */
export type Camelized<R> = { [K in keyof R as SnakeToCamel<K & string>]: R[K] };

/** An event as the domain sees it: `type` plus the camelCase fields of its Avro record. */
export type EventOf<T extends EventType> = { type: T } & Camelized<EventRecords[T]>;

/** Any Herald event, discriminated by `type`. */
export type HeraldEvent = { [T in EventType]: EventOf<T> }[EventType];

const snakeToCamel = (name: string) => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

interface FieldMap {
  wire: string[];
  domain: string[];
}

const fieldMaps = new Map<EventType, FieldMap>();

// Field lists come from the schema, computed once per type: the hot path only copies properties.
function fieldMap(type: EventType): FieldMap {
  let map = fieldMaps.get(type);
  if (!map) {
    const wire = schemaOf(type).fields.map((field) => field.name);
    map = { wire, domain: wire.map(snakeToCamel) };
    fieldMaps.set(type, map);
  }
  return map;
}

/** Converts a domain event into its Avro record (exactly the schema's fields). */
export function toRecord<T extends EventType>(event: EventOf<T>): EventRecords[T] {
  const { wire, domain } = fieldMap(event.type);
  const source = event as unknown as Record<string, unknown>;
  const record: Record<string, unknown> = {};
  for (let i = 0; i < wire.length; i++) record[wire[i] as string] = source[domain[i] as string];
  return record as unknown as EventRecords[T];
}

/** Converts a decoded Avro record of `type` into a domain event. */
export function fromRecord<T extends EventType>(type: T, record: EventRecords[T]): EventOf<T> {
  const { wire, domain } = fieldMap(type);
  const source = record as unknown as Record<string, unknown>;
  const event: Record<string, unknown> = { type };
  for (let i = 0; i < wire.length; i++) event[domain[i] as string] = source[wire[i] as string];
  return event as unknown as EventOf<T>;
}
