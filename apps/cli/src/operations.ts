import { parseArgs } from 'node:util';
import { loadCommonConfig } from '@herald/config';
import { topics as topicNames } from '@herald/contracts';
import { SchemaCatalog, createKafka } from '@herald/kafka';
import {
  PROJECTIONS,
  PROJECTION_NAMES,
  ReplayError,
  progressLine,
  projectionNamed,
  replay,
} from '@herald/projections';
import type { Projection, ReplayProgress, ReplayResult, ReplaySource } from '@herald/projections';
import { createPool, migrate } from '@herald/store';
import { createLogger } from '@herald/telemetry';
import type { Output } from './command.js';
import { UsageError } from './command.js';

/** What operations commands run with: they talk to Postgres and Kafka directly, not to the API. */
export interface OperationDeps {
  env: NodeJS.ProcessEnv;
  output: Output;
  /** Where the progress bar goes; a TTY gets one line redrawn, anything else a line every 2 s. */
  progress?: { write: (text: string) => void; isTTY: boolean };
  /** Interrupts a replay (Ctrl-C); running the same command again resumes it. */
  signal?: AbortSignal;
}

export const REPLAY_USAGE = [
  'Usage: npm run herald -- replay <projection|all> --from kafka|store [--to-position N] [--restart] [--json]',
  '',
  'Rebuilds a read model into fresh tables while the live one keeps serving, then swaps them in',
  'atomically. Progress is committed as it goes: Ctrl-C (or a crash) and the same command resumes.',
  '',
  '  --from store        read the Postgres event store, in position order',
  '  --from kafka        read the topics from the earliest retained records (a dedicated consumer group)',
  '  --to-position N     (store) stop at event position N and keep the result in schema',
  '                      herald_replay_<projection> for inspection, without swapping it in',
  '  --restart           discard a replay in progress instead of resuming it',
  '  --json              print the result as JSON',
  '',
  'Projections:',
  ...PROJECTIONS.map((p) => `  ${p.name.padEnd(16)} ${p.summary}`),
  '',
  'Connects with DATABASE_URL, KAFKA_BROKERS, SCHEMA_REGISTRY_URL and HERALD_TOPIC_PREFIX.',
];

interface ReplayRequest {
  projections: Projection[];
  source: ReplaySource;
  toPosition?: bigint;
  restart: boolean;
  json: boolean;
}

/** Parses `replay` arguments; throws UsageError on anything wrong, before connecting anywhere. */
export function parseReplay(argv: string[]): ReplayRequest | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        from: { type: 'string' },
        'to-position': { type: 'string' },
        restart: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [name, ...extra] = positionals;
  if (name === undefined || extra.length > 0)
    throw new UsageError(`expected one projection (${PROJECTION_NAMES.join(', ')} or all)`);
  const projection = projectionNamed(name);
  if (name !== 'all' && !projection)
    throw new UsageError(`unknown projection "${name}"; one of ${PROJECTION_NAMES.join(', ')} or all`);
  if (values.from !== 'kafka' && values.from !== 'store')
    throw new UsageError('--from must be kafka or store');
  let toPosition: bigint | undefined;
  if (values['to-position'] !== undefined) {
    if (!/^[1-9]\d{0,18}$/.test(values['to-position']))
      throw new UsageError('--to-position must be a positive event position');
    if (values.from !== 'store') throw new UsageError('--to-position applies to --from store only');
    toPosition = BigInt(values['to-position']);
  }
  return {
    projections: projection ? [projection] : [...PROJECTIONS],
    source: values.from,
    toPosition,
    restart: values.restart === true,
    json: values.json === true,
  };
}

function progressWriter(deps: OperationDeps) {
  const sink = deps.progress;
  let lastLine = 0;
  return {
    update(name: string, progress: ReplayProgress) {
      if (!sink) return;
      const line = `${name}: ${progressLine(progress)}`;
      if (sink.isTTY) sink.write(`\r${line}\u001b[K`);
      else if (Date.now() - lastLine >= 2000 || progress.phase === 'done') {
        lastLine = Date.now();
        sink.write(`${line}\n`);
      }
    },
    end() {
      if (sink?.isTTY) sink.write('\n');
    },
  };
}

const describe = (name: string, result: ReplayResult) => {
  const rate = `${result.applied.toLocaleString('en-US')} events in ${(result.elapsedMs / 1000).toFixed(1)} s (${result.eventsPerSecond.toLocaleString('en-US')} events/s)`;
  switch (result.outcome) {
    case 'swapped':
      return `${name}: rebuilt and swapped in, ${rate}`;
    case 'built':
      return `${name}: built in schema ${result.schema} (not swapped in), ${rate}`;
    case 'interrupted':
      return `${name}: interrupted after ${rate}; run the same command to resume`;
  }
};

/** `herald replay ...`: exit 0 done, 1 refused (another replay running, options differ), 130 interrupted. */
export async function runReplay(argv: string[], deps: OperationDeps): Promise<number> {
  const request = parseReplay(argv);
  if (request === 'help') {
    for (const line of REPLAY_USAGE) deps.output.out(line);
    return 0;
  }
  const config = loadCommonConfig(deps.env);
  const log = createLogger('replay', config.HERALD_LOG_LEVEL === 'info' ? 'warn' : config.HERALD_LOG_LEVEL);
  const pool = createPool(config.DATABASE_URL, 6);
  const topics = topicNames(config.HERALD_TOPIC_PREFIX);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'herald-replay', log });
  const results: Record<string, ReplayResult> = {};
  try {
    await migrate(pool);
    for (const projection of request.projections) {
      const writer = progressWriter(deps);
      const result = await replay({
        pool,
        projection,
        source: request.source,
        toPosition: request.toPosition,
        restart: request.restart,
        log,
        signal: deps.signal,
        onProgress: (progress) => writer.update(projection.name, progress),
        kafka: {
          kafka,
          catalog: new SchemaCatalog(config.SCHEMA_REGISTRY_URL),
          topics: [
            topics.requested,
            topics.dispatchExpress,
            topics.dispatchNormal,
            ...topics.retries,
            topics.events,
          ],
          liveGroupId: `${config.HERALD_TOPIC_PREFIX}herald-projector`,
          replayGroupId: `${config.HERALD_TOPIC_PREFIX}herald-replay-${projection.name}`,
        },
      });
      writer.end();
      results[projection.name] = result;
      if (!request.json) deps.output.out(describe(projection.name, result));
      if (result.outcome === 'interrupted') break;
    }
  } catch (error) {
    if (!(error instanceof ReplayError)) throw error;
    deps.output.err(`error: ${error.message} (${error.code})`);
    return 1;
  } finally {
    await pool.end();
  }
  if (request.json) deps.output.out(JSON.stringify(results, null, 2));
  return Object.values(results).some((result) => result.outcome === 'interrupted') ? 130 : 0;
}

/** `herald db migrate`: applies pending migrations (the apps also do on start). */
export async function runMigrate(deps: OperationDeps): Promise<number> {
  const config = loadCommonConfig(deps.env);
  const pool = createPool(config.DATABASE_URL, 1);
  try {
    const applied = await migrate(pool);
    deps.output.out(applied.length === 0 ? 'database is up to date' : `applied: ${applied.join(', ')}`);
    return 0;
  } finally {
    await pool.end();
  }
}
