import avro from 'avsc';

/** Whether data written with one schema can be read with another, and if not, avsc's reason. */
export type Compatibility = { compatible: true; note?: string } | { compatible: false; reason: string };

/**
 * BACKWARD compatibility, as the registry's rule means it: consumers on the `current` schema must
 * read every record written with the `previous` one. avsc's resolver is the Avro schema-resolution
 * algorithm: it refuses a new field without a default, a changed type that does not promote and a
 * renamed record without an alias, and accepts a removed field or an added one with a default.
 */
export function checkBackward(previous: unknown, current: unknown): Compatibility {
  let reader: avro.Type;
  let writer: avro.Type;
  try {
    reader = avro.Type.forSchema(current as avro.Schema);
  } catch (error) {
    return { compatible: false, reason: `the new schema is not valid Avro: ${messageOf(error)}` };
  }
  try {
    writer = avro.Type.forSchema(previous as avro.Schema);
  } catch (error) {
    // A previous version avsc cannot parse never produced data Herald could write: nothing to read.
    return { compatible: true, note: `the previous version is not valid Avro (${messageOf(error)})` };
  }
  try {
    reader.createResolver(writer);
    return { compatible: true };
  } catch (error) {
    return { compatible: false, reason: messageOf(error) };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
