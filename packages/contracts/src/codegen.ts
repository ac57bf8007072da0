import type { AvroRecordSchema } from './schemas.js';

function tsType(avro: unknown): string {
  if (typeof avro === 'string') {
    switch (avro) {
      case 'null':
        return 'null';
      case 'string':
        return 'string';
      case 'boolean':
        return 'boolean';
      case 'int':
      case 'long':
      case 'float':
      case 'double':
        return 'number';
      case 'bytes':
        return 'Buffer';
      default:
        throw new Error(`unsupported Avro type ${avro}`);
    }
  }
  if (Array.isArray(avro)) return avro.map(tsType).join(' | ');
  if (typeof avro === 'object' && avro !== null) {
    const node = avro as { type: string; symbols?: string[]; values?: unknown; items?: unknown };
    if (node.type === 'enum' && node.symbols) return node.symbols.map((s) => `'${s}'`).join(' | ');
    if (node.type === 'map') return `Record<string, ${tsType(node.values)}>`;
    if (node.type === 'array') return `(${tsType(node.items)})[]`;
    return tsType(node.type);
  }
  throw new Error(`unsupported Avro type ${JSON.stringify(avro)}`);
}

/** Renders one TypeScript interface per record schema plus the union of event types. */
export function renderTypes(schemas: Map<string, AvroRecordSchema>): string {
  const names = [...schemas.keys()];
  const blocks = [...schemas.values()].map((schema) => {
    const fields = schema.fields.map((field) => {
      const doc = field.doc ? `  /** ${field.doc} */\n` : '';
      return `${doc}  ${field.name}: ${tsType(field.type)};`;
    });
    const doc = schema.doc ? `/** ${schema.doc} */\n` : '';
    return `${doc}export interface ${schema.name}Record {\n${fields.join('\n')}\n}`;
  });
  return [
    '// Generated from schemas/*.avsc by packages/contracts/scripts/generate-types.ts. Do not edit.',
    '',
    ...blocks.flatMap((block) => [block, '']),
    '/** Every event type Herald writes. */',
    // One name per line, as prettier lays out a list this long, so formatting the tree leaves it as is.
    'export const EVENT_TYPES = [',
    ...names.map((n) => `  '${n}',`),
    '] as const;',
    '',
    '/** Name of an event type (the Avro record name). */',
    'export type EventType = (typeof EVENT_TYPES)[number];',
    '',
    '/** The wire record of each event type. */',
    'export interface EventRecords {',
    ...names.map((n) => `  ${n}: ${n}Record;`),
    '}',
    '',
  ].join('\n');
}
