import { EVENT_TYPES, schemaOf } from '@herald/contracts';

// The message and schema components of the AsyncAPI document: what one record on a topic looks like.

/** Avro payloads are the `.avsc` files themselves, in the format AsyncAPI names for Avro 1.9 JSON. */
export const AVRO_SCHEMA_FORMAT = 'application/vnd.apache.avro+json;version=1.9.0';

/** Name of the message component for records copied to the DLQ. */
export const DEAD_LETTER = 'DeadLetter';

const KAFKA_BINDING_VERSION = '0.5.0';
const SCHEMAS = '#/components/schemas/';

const stringHeader = (description: string) => ({ type: 'string', description });

const EVENT_HEADERS = {
  'event-type': stringHeader('Avro record name of the value, e.g. `MessageSent`: filter without decoding.'),
  'event-id': stringHeader('The event’s `event_id` (UUID); consumers deduplicate on it.'),
  'message-id': stringHeader('The event’s `message_id`: all events of one message share it.'),
  traceparent: stringHeader(
    'W3C trace context of the request or event that caused this one, when there was one.',
  ),
  tracestate: stringHeader('W3C trace state that goes with `traceparent`, when the tracer set one.'),
  'request-id': stringHeader(
    'Id of the HTTP request that produced the event (the `X-Request-Id` answer header); ingress events only.',
  ),
};

const DEAD_LETTER_HEADERS = {
  'herald-dlq-code': stringHeader(
    'Stable reason code, e.g. `not_confluent_wire_format`, `avro_decode_failed`, `record_without_value`.',
  ),
  'herald-dlq-reason': stringHeader('Human-readable reason the record could not be processed.'),
  'herald-dlq-source-topic': stringHeader('Topic the record was read from.'),
  'herald-dlq-source-partition': stringHeader('Its partition, in decimal.'),
  'herald-dlq-source-offset': stringHeader('Its offset, in decimal.'),
  'herald-dlq-consumer-group': stringHeader('Consumer group that gave up on it.'),
};

/** Schemas shared by the messages: the key and the headers (Kafka header values are UTF-8 strings). */
export function schemaComponents() {
  return {
    RecipientKey: {
      type: 'string',
      description:
        'Record key: the recipient address (E.164 phone number or chat id). Every event of a message, ' +
        'and of a recipient, is in one partition, in order.',
    },
    EventHeaders: {
      type: 'object',
      description: 'Headers on every Herald event.',
      required: ['event-type', 'event-id', 'message-id'],
      properties: EVENT_HEADERS,
    },
    DeadLetterHeaders: {
      type: 'object',
      description: 'The original record’s headers, plus why it was dead-lettered and where it came from.',
      required: Object.keys(DEAD_LETTER_HEADERS),
      properties: { ...EVENT_HEADERS, ...DEAD_LETTER_HEADERS },
    },
  };
}

const keyBinding = {
  key: { $ref: `${SCHEMAS}RecipientKey` },
  bindingVersion: KAFKA_BINDING_VERSION,
};

/** One message per event type, its payload the Avro schema from `schemas/`, plus the dead letter. */
export function messageComponents() {
  const events = EVENT_TYPES.map((type) => {
    const schema = schemaOf(type);
    return [
      type,
      {
        name: type,
        title: type,
        summary: schema.doc ?? type,
        description:
          'Confluent wire format: magic byte 0, the 4-byte big-endian registry schema id, then the Avro ' +
          `binary payload. Registered under the subject \`<topic>-${schema.namespace}.${type}\` ` +
          '(TopicRecordNameStrategy) with a BACKWARD rule: decode with the writer schema the id names.',
        contentType: 'application/octet-stream',
        headers: { $ref: `${SCHEMAS}EventHeaders` },
        correlationId: {
          description: 'All events of one message carry its id.',
          location: '$message.header#/message-id',
        },
        payload: { schemaFormat: AVRO_SCHEMA_FORMAT, schema },
        bindings: {
          kafka: {
            ...keyBinding,
            schemaIdLocation: 'payload',
            schemaIdPayloadEncoding: 'confluent',
            schemaLookupStrategy: 'TopicRecordNameStrategy',
          },
        },
      },
    ] as const;
  });
  const deadLetter = {
    name: DEAD_LETTER,
    title: 'Dead letter',
    summary: 'A record a consumer could not decode, copied unchanged with the reason in headers.',
    contentType: 'application/octet-stream',
    headers: { $ref: `${SCHEMAS}DeadLetterHeaders` },
    payload: {
      type: 'string',
      format: 'binary',
      description:
        'The original value, byte for byte (possibly not Avro at all). Replayed by the DLQ admin API.',
    },
    bindings: { kafka: keyBinding },
  };
  return Object.fromEntries([...events, [DEAD_LETTER, deadLetter]]);
}
