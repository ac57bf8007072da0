import { parseArgs } from 'node:util';
import type { ReadOptions } from './read-events.js';

/** Everything the job is told: where Kafka and the registry are, and how to report. */
export interface JobOptions {
  read: ReadOptions;
  json: boolean;
  intervalMs: number;
}

/** A bad flag or variable, named. */
export class OptionError extends Error {}

export const USAGE = `usage: delivery-rate [--brokers HOST:PORT,...] [--registry URL] [--topic-prefix PREFIX]
                     [--group ID] [--until-end] [--json] [--interval SECONDS]
  --brokers       Kafka bootstrap brokers (env KAFKA_BROKERS, default 127.0.0.1:9092)
  --registry      Confluent-compatible schema registry URL (env SCHEMA_REGISTRY_URL,
                  default http://127.0.0.1:8081/apis/ccompat/v7)
  --topic-prefix  prefix of Herald's topic names (env HERALD_TOPIC_PREFIX, default none)
  --group         consumer group that commits offsets and resumes; default: a throwaway group
                  that reads the whole topic
  --until-end     read up to the end offsets at start, print the figures and exit
  --json          print JSON (an array with --until-end, else one object per updated line)
  --interval      seconds between updates when following the topic (default 10)`;

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        brokers: { type: 'string' },
        registry: { type: 'string' },
        'topic-prefix': { type: 'string' },
        group: { type: 'string' },
        'until-end': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        interval: { type: 'string', default: '10' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    // Unknown flags and missing values: a usage error, not a crash.
    throw new OptionError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/** Flags first, then the same variables Herald reads, then development defaults. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): JobOptions | 'help' {
  const { values } = parseFlags(argv);
  if (values.help) return 'help';
  const brokers = (values.brokers ?? env.KAFKA_BROKERS ?? '127.0.0.1:9092')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  if (brokers.length === 0 || brokers.some((broker) => !/^[^:\s]+:\d+$/.test(broker)))
    throw new OptionError(`--brokers: expected host:port[,host:port...], got ${brokers.join(',')}`);
  const registryUrl = values.registry ?? env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
  if (!URL.canParse(registryUrl)) throw new OptionError(`--registry: not a URL: ${registryUrl}`);
  const prefix = values['topic-prefix'] ?? env.HERALD_TOPIC_PREFIX ?? '';
  const interval = Number(values.interval);
  if (!Number.isFinite(interval) || interval <= 0)
    throw new OptionError(`--interval: expected a positive number of seconds, got ${values.interval}`);
  return {
    read: {
      brokers,
      registryUrl,
      topic: `${prefix}herald.message.events`,
      ...(values.group === undefined ? {} : { groupId: values.group }),
      untilEnd: values['until-end'],
    },
    json: values.json,
    intervalMs: interval * 1000,
  };
}
