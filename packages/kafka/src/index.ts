export { createKafka, createIdempotentProducer, createTransactionalProducer } from './client.js';
export { BatchingProducer } from './batching-producer.js';
export type { OutgoingRecord, BatchingProducerOptions } from './batching-producer.js';
export { SchemaCatalog } from './schema-catalog.js';
export type { WriterSchema } from './schema-catalog.js';
export { encodeEvent, decodeEvent } from './serde.js';
export { HeraldKafkaError } from './errors.js';
export type { KafkaErrorCode } from './errors.js';
export { ensureTopics } from './topics-admin.js';
export type { TopicSpec } from './topics-admin.js';
export { decodeBatch, deadLetter, eventHeaders, nextOffset } from './records.js';
export type { DecodedRecord, PoisonRecord } from './records.js';
export { startStoredOffsetConsumer, startTransactionalProcessor, produceInTransaction } from './consumer.js';
export type {
  PartitionBatch,
  RunningConsumer,
  ProcessContext,
  PartialProgress,
  RawRecord,
} from './consumer.js';
export { derivedEventId } from './ids.js';
export { KafkaMetrics } from './metrics.js';
export { ConsumerLag, lagOf } from './consumer-lag.js';
export type { PartitionLag } from './consumer-lag.js';
export { startBoundedReader, partitionKey } from './bounded-reader.js';
export type { BoundedReader, PartitionKey } from './bounded-reader.js';
