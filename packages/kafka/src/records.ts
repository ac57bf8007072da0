import type { Batch, IHeaders } from 'kafkajs';
import type { HeraldEvent } from '@herald/contracts';
import { injectTraceContext } from '@herald/telemetry';
import type { TraceContext } from '@herald/telemetry';
import { HeraldKafkaError } from './errors.js';
import type { OutgoingRecord } from './batching-producer.js';
import type { SchemaCatalog } from './schema-catalog.js';
import { decodeEvent } from './serde.js';

/** A consumed record decoded into a Herald event, with its Kafka coordinates. */
export interface DecodedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: IHeaders;
  event: HeraldEvent;
}

/** A consumed record that cannot be decoded, kept raw with the reason. */
export interface PoisonRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: IHeaders;
  error: HeraldKafkaError;
}

/**
 * Decodes every record of a batch. Records that can never decode are returned as poison; errors
 * that may pass (registry unavailable) are thrown so the batch is retried as a whole.
 */
export async function decodeBatch(
  catalog: SchemaCatalog,
  batch: Pick<Batch, 'topic' | 'partition' | 'messages'>,
): Promise<{ records: DecodedRecord[]; poison: PoisonRecord[] }> {
  const records: DecodedRecord[] = [];
  const poison: PoisonRecord[] = [];
  for (const message of batch.messages) {
    const base = {
      topic: batch.topic,
      partition: batch.partition,
      offset: message.offset,
      key: message.key ? message.key.toString() : null,
      headers: message.headers ?? {},
    };
    try {
      records.push({ ...base, event: await decodeEvent(catalog, message.value) });
    } catch (error) {
      if (!(error instanceof HeraldKafkaError) || error.canRetry) throw error;
      poison.push({ ...base, value: message.value, error });
    }
  }
  return { records, poison };
}

/** The dead-letter record for a poison record: raw bytes, same key, the reason in headers. */
export function deadLetter(dlqTopic: string, poison: PoisonRecord, consumerGroup: string): OutgoingRecord {
  return {
    topic: dlqTopic,
    key: poison.key ?? '',
    value: poison.value ?? Buffer.alloc(0),
    headers: {
      ...poison.headers,
      'herald-dlq-reason': poison.error.message,
      'herald-dlq-code': poison.error.code,
      'herald-dlq-source-topic': poison.topic,
      'herald-dlq-source-partition': String(poison.partition),
      'herald-dlq-source-offset': poison.offset,
      'herald-dlq-consumer-group': consumerGroup,
    },
  };
}

/**
 * Headers every Herald event carries. The trace context is the span's that produced the event (the
 * active one, or `trace`), so the next consumer's span is its child; with no span (tracing not
 * started), the cause's trace context is copied, so the trace id still travels.
 */
export function eventHeaders(event: HeraldEvent, cause?: IHeaders, trace?: TraceContext): IHeaders {
  const headers: IHeaders = {
    'event-type': event.type,
    'event-id': event.eventId,
    'message-id': event.messageId,
  };
  injectTraceContext(headers, trace);
  if (headers.traceparent === undefined && cause?.traceparent !== undefined) {
    headers.traceparent = cause.traceparent;
    if (cause.tracestate !== undefined) headers.tracestate = cause.tracestate;
  }
  return headers;
}

/** Offset after `offset`, the position a consumer commits once `offset` is processed. */
export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}
