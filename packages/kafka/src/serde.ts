import { fromRecord, toRecord } from '@herald/contracts';
import type { EventRecords, EventType, HeraldEvent } from '@herald/contracts';
import { HeraldKafkaError } from './errors.js';
import type { SchemaCatalog } from './schema-catalog.js';

const MAGIC_BYTE = 0;
const HEADER_LENGTH = 5;

/** Encodes an event in the Confluent wire format: magic byte, 4-byte schema id, Avro payload. */
export function encodeEvent(catalog: SchemaCatalog, topic: string, event: HeraldEvent): Buffer {
  const id = catalog.idFor(topic, event.type);
  const payload = catalog.readerType(event.type).toBuffer(toRecord(event));
  const framed = Buffer.allocUnsafe(HEADER_LENGTH + payload.length);
  framed.writeUInt8(MAGIC_BYTE, 0);
  framed.writeInt32BE(id, 1);
  payload.copy(framed, HEADER_LENGTH);
  return framed;
}

/** Decodes Confluent-framed Avro bytes into a Herald event; throws HeraldKafkaError on poison. */
export async function decodeEvent(catalog: SchemaCatalog, value: Buffer | null): Promise<HeraldEvent> {
  if (!value) throw new HeraldKafkaError('record_without_value', 'record has no value', false);
  if (value.length < HEADER_LENGTH || value.readUInt8(0) !== MAGIC_BYTE) {
    throw new HeraldKafkaError(
      'not_confluent_wire_format',
      'value does not start with the Confluent magic byte',
      false,
    );
  }
  const writer = await catalog.writer(value.readInt32BE(1));
  let record: unknown;
  try {
    record = writer.read(value.subarray(HEADER_LENGTH));
  } catch (error) {
    throw new HeraldKafkaError(
      'avro_decode_failed',
      `payload does not match ${writer.type}: ${String(error)}`,
      false,
      {
        cause: error,
      },
    );
  }
  return fromRecord(writer.type, record as EventRecords[EventType]) as HeraldEvent;
}
