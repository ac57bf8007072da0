// `npm run schemas:check`: every schemas/*.avsc must be BACKWARD compatible with its previous committed
// version (avsc's resolver), and with what the registry holds when --registry is given. Exits 1 on any
// incompatible schema, 2 when the check cannot run (not a git repository, registry unreachable).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkSchemaChanges } from '../packages/contracts/src/schema-changes.js';
import type { SchemaVerdict } from '../packages/contracts/src/schema-changes.js';
import { isShallowClone } from '../packages/contracts/src/schema-history.js';
import { checkWithRegistry } from '../packages/contracts/src/registry-compatibility.js';
import { SCHEMA_DIR } from '../packages/contracts/src/schemas.js';
import { subjectFor, topics, topicsCarrying } from '../packages/contracts/src/topics.js';
import { EVENT_TYPES } from '../packages/contracts/src/types.generated.js';
import type { EventType } from '../packages/contracts/src/types.generated.js';

const USAGE = `usage: npm run schemas:check -- [--schemas DIR] [--registry URL] [--topic-prefix PREFIX]
  --schemas       folder of .avsc files inside a git repository (default: schemas/)
  --registry      also ask this Confluent-compatible registry about every subject of each event type
  --topic-prefix  topic prefix of the subjects the registry is asked about (default: none)`;

interface Line {
  ok: boolean;
  file: string;
  detail: string;
}

const short = (commit: string | null) => (commit === null ? 'none' : commit.slice(0, 10));

function gitLine(verdict: SchemaVerdict): Line {
  switch (verdict.outcome) {
    case 'new':
      return { ok: true, file: verdict.file, detail: 'new schema, never committed' };
    case 'unchanged':
      return { ok: true, file: verdict.file, detail: 'unchanged since it was added' };
    case 'compatible':
      return {
        ok: true,
        file: verdict.file,
        detail: `backward compatible with ${short(verdict.previousCommit)}${verdict.note ? ` (${verdict.note})` : ''}`,
      };
    case 'incompatible':
      return {
        ok: false,
        file: verdict.file,
        detail: `not backward compatible with ${short(verdict.previousCommit)}: ${verdict.reason}`,
      };
    default: {
      const exhaustive: never = verdict;
      throw new Error(`unknown verdict ${JSON.stringify(exhaustive)}`);
    }
  }
}

const isEventType = (name: string): name is EventType => (EVENT_TYPES as readonly string[]).includes(name);

/** The registry's verdict on every subject the file's event type is registered under. */
async function registryLines(dir: string, file: string, registry: string, prefix: string): Promise<Line[]> {
  const name = file.replace(/\.avsc$/, '');
  if (!isEventType(name)) return [{ ok: true, file, detail: 'registry: not a Herald event type, skipped' }];
  const schema = readFileSync(join(dir, file), 'utf8');
  const lines: Line[] = [];
  for (const topic of topicsCarrying(topics(prefix), name)) {
    const subject = subjectFor(topic, name);
    const result = await checkWithRegistry(registry, subject, schema);
    lines.push(
      result.compatible
        ? { ok: true, file, detail: `registry: ${result.note ?? `compatible with ${subject}`}` }
        : { ok: false, file, detail: `registry: ${result.reason}` },
    );
  }
  return lines;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      schemas: { type: 'string' },
      registry: { type: 'string' },
      'topic-prefix': { type: 'string', default: '' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dir = values.schemas === undefined ? SCHEMA_DIR : resolve(values.schemas);
  console.log(`checking ${dir} against each schema's previous committed version (BACKWARD)`);
  if (isShallowClone(dir))
    console.log(
      'note: shallow clone: versions older than the clone are not checked (fetch with --unshallow)',
    );
  const lines: Line[] = [];
  for (const verdict of checkSchemaChanges(dir)) {
    lines.push(gitLine(verdict));
    if (values.registry !== undefined)
      lines.push(...(await registryLines(dir, verdict.file, values.registry, values['topic-prefix'])));
  }
  const width = Math.max(...lines.map((line) => line.file.length));
  for (const line of lines)
    console.log(`${line.ok ? 'OK          ' : 'INCOMPATIBLE'}  ${line.file.padEnd(width)}  ${line.detail}`);
  const failed = new Set(lines.filter((line) => !line.ok).map((line) => line.file));
  const total = new Set(lines.map((line) => line.file)).size;
  console.log(
    failed.size === 0
      ? `${total} schemas checked, all backward compatible`
      : `${failed.size} of ${total} schemas are not backward compatible: ${[...failed].join(', ')}`,
  );
  return failed.size === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`schemas:check could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
