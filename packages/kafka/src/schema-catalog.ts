import { SchemaRegistry, COMPATIBILITY } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import { EVENT_TYPES, fullName, schemaOf, subjectFor } from '@herald/contracts';
import type { EventType } from '@herald/contracts';
import { HeraldKafkaError } from './errors.js';

/** How to read bytes written with one registry schema id. */
export interface WriterSchema {
  type: EventType;
  /** Reads a payload written with that schema into Herald's current (reader) schema. */
  read: (payload: Buffer) => unknown;
}

/** No registry call may hang start-up or a consumer: a slow registry becomes a retryable error. */
const REGISTRY_TIMEOUT_MS = 10_000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new HeraldKafkaError(
            'registry_unavailable',
            `${what}: no answer within ${REGISTRY_TIMEOUT_MS} ms`,
            true,
          ),
        ),
      REGISTRY_TIMEOUT_MS,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const EVENT_BY_FULL_NAME = new Map<string, EventType>(EVENT_TYPES.map((type) => [fullName(type), type]));

/**
 * Herald's view of the schema registry: registers each (topic, event type) under an explicit
 * TopicRecordNameStrategy subject with a BACKWARD rule, and resolves writer schemas by id.
 */
export class SchemaCatalog {
  private readonly registry: SchemaRegistry;
  private readonly ids = new Map<string, number>();
  private readonly writers = new Map<number, Promise<WriterSchema>>();
  private readonly readerTypes = new Map<EventType, avro.Type>();

  constructor(private readonly registryUrl: string) {
    this.registry = new SchemaRegistry({ host: registryUrl, retry: { retries: 3 } });
  }

  /** The compiled Avro type of Herald's own schema for `type`. */
  readerType(type: EventType): avro.Type {
    let compiled = this.readerTypes.get(type);
    if (!compiled) {
      compiled = avro.Type.forSchema(schemaOf(type) as avro.Schema);
      this.readerTypes.set(type, compiled);
    }
    return compiled;
  }

  /** Registers the schema of `type` for `topic`; the registry refuses an incompatible change. */
  async register(topic: string, type: EventType): Promise<number> {
    const subject = subjectFor(topic, type);
    await this.setSubjectCompatibility(subject);
    try {
      const { id } = await withTimeout(
        this.registry.register(
          { type: 'AVRO' as never, schema: JSON.stringify(schemaOf(type)) },
          { subject, compatibility: COMPATIBILITY.BACKWARD },
        ),
        `registering ${subject}`,
      );
      this.ids.set(`${topic}\u0000${type}`, id);
      return id;
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 409) {
        throw new HeraldKafkaError(
          'schema_incompatible',
          `${subject}: schema is not BACKWARD compatible`,
          false,
          {
            cause: error,
          },
        );
      }
      throw new HeraldKafkaError(
        'registry_unavailable',
        `${subject}: registration failed: ${String(error)}`,
        true,
        {
          cause: error,
        },
      );
    }
  }

  /** Registers every event type a process writes, before it produces anything. */
  async registerAll(pairs: readonly { topic: string; type: EventType }[]): Promise<void> {
    for (const { topic, type } of pairs) await this.register(topic, type);
  }

  /** The schema id registered for (topic, type); throws if `register` was not called first. */
  idFor(topic: string, type: EventType): number {
    const id = this.ids.get(`${topic}\u0000${type}`);
    if (id === undefined) throw new Error(`schema of ${type} on ${topic} was not registered at start-up`);
    return id;
  }

  /** The writer schema of an id, fetched once and resolved against Herald's reader schema. */
  writer(id: number): Promise<WriterSchema> {
    let writer = this.writers.get(id);
    if (!writer) {
      writer = this.fetchWriter(id);
      this.writers.set(id, writer);
      writer.catch(() => this.writers.delete(id));
    }
    return writer;
  }

  private async fetchWriter(id: number): Promise<WriterSchema> {
    const response = await fetch(`${this.registryUrl}/schemas/ids/${id}`, {
      signal: AbortSignal.timeout(REGISTRY_TIMEOUT_MS),
    }).catch((error: unknown) => {
      throw new HeraldKafkaError('registry_unavailable', `schema id ${id}: ${String(error)}`, true, {
        cause: error,
      });
    });
    if (response.status === 404)
      throw new HeraldKafkaError('unknown_schema_id', `schema id ${id} is not in the registry`, false);
    if (!response.ok)
      throw new HeraldKafkaError('registry_unavailable', `schema id ${id}: HTTP ${response.status}`, true);
    const body = (await response.json()) as { schema: string };
    const writerType = avro.Type.forSchema(JSON.parse(body.schema) as avro.Schema);
    const type = EVENT_BY_FULL_NAME.get(writerType.name ?? '');
    if (!type)
      throw new HeraldKafkaError(
        'unknown_event_type',
        `schema id ${id} is ${writerType.name}, not a Herald event`,
        false,
      );
    const reader = this.readerType(type);
    if (writerType.equals(reader)) return { type, read: (payload) => reader.fromBuffer(payload) };
    const resolver = reader.createResolver(writerType);
    return { type, read: (payload) => reader.fromBuffer(payload, resolver) };
  }

  private async setSubjectCompatibility(subject: string): Promise<void> {
    const response = await fetch(`${this.registryUrl}/config/${encodeURIComponent(subject)}`, {
      signal: AbortSignal.timeout(REGISTRY_TIMEOUT_MS),
      method: 'PUT',
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ compatibility: 'BACKWARD' }),
    }).catch((error: unknown) => {
      throw new HeraldKafkaError('registry_unavailable', `${this.registryUrl}: ${String(error)}`, true, {
        cause: error,
      });
    });
    if (!response.ok) {
      throw new HeraldKafkaError(
        'registry_unavailable',
        `PUT /config/${subject}: HTTP ${response.status}`,
        true,
      );
    }
  }
}
