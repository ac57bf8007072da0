/** Stable codes for what can go wrong between Kafka bytes and a Herald event. */
export type KafkaErrorCode =
  | 'record_without_value'
  | 'not_confluent_wire_format'
  | 'unknown_schema_id'
  | 'unknown_event_type'
  | 'avro_decode_failed'
  | 'registry_unavailable'
  | 'schema_incompatible';

/**
 * A typed error with a `canRetry` flag, so consume loops decide between retrying and
 * dead-lettering without matching on message strings.
 */
export class HeraldKafkaError extends Error {
  constructor(
    readonly code: KafkaErrorCode,
    message: string,
    readonly canRetry: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HeraldKafkaError';
  }
}
