export { EVENT_TYPES } from './types.generated.js';
export type * from './types.generated.js';
export { loadSchemas, schemaOf, fullName, NAMESPACE, SCHEMA_DIR } from './schemas.js';
export type { AvroRecordSchema } from './schemas.js';
export { topics, topicFor, subjectFor, RETRY_TIERS } from './topics.js';
export type { Topics } from './topics.js';
export { toRecord, fromRecord } from './codec.js';
export type { Camelized, EventOf, HeraldEvent } from './codec.js';
export { renderTypes } from './codegen.js';
