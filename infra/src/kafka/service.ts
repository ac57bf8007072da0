import { LOCAL } from '../config.js';
import { InfraError } from '../errors.js';
import { findJava } from '../java.js';
import { paths } from '../paths.js';
import type { LaunchSpec } from '../process.js';
import { runCommand } from '../process.js';
import type { LocalService } from '../service.js';
import { clusterId, isFormatted, writeKafkaConfig } from './config.js';
import { fetchKafka } from './fetch.js';
import { probeKafka } from './probe.js';

const ADDRESS = `${LOCAL.host}:${LOCAL.kafkaPort}`;
const CLASSPATH = `${paths.kafka.libs}/*`;
const LOG4J = `-Dlog4j.configuration=file:${paths.kafka.log4jProperties}`;
// The flags kafka-run-class.sh would use, with a capped heap (the JVM default is a quarter of RAM).
const JVM_FLAGS = [
  '-Xms256m',
  '-Xmx512m',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-Djava.awt.headless=true',
];

/** Enough to find and stop our broker: its pid file name and a path only its command line holds. */
export const KAFKA = { name: 'kafka', marker: paths.kafka.serverProperties } as const;

/** Apache Kafka 3.9.1, single-node KRaft (broker and controller in one JVM) on 127.0.0.1:9092. */
export function kafkaService(): LocalService {
  return {
    ...KAFKA,
    address: ADDRESS,
    ports: [LOCAL.kafkaPort, LOCAL.kafkaControllerPort],
    readyTimeoutMs: 90_000,
    fetch: fetchKafka,
    prepare: prepareKafka,
    probe: () => probeKafka([ADDRESS]),
  };
}

async function prepareKafka(): Promise<LaunchSpec> {
  const java = findJava(17, 'KAFKA_JAVA_HOME').bin;
  writeKafkaConfig();
  if (!isFormatted()) await formatStorage(java);
  return {
    command: java,
    args: [...JVM_FLAGS, LOG4J, '-cp', CLASSPATH, 'kafka.Kafka', paths.kafka.serverProperties],
    cwd: paths.kafka.home,
  };
}

async function formatStorage(java: string): Promise<void> {
  const args = [
    '-Xmx256m',
    LOG4J,
    '-cp',
    CLASSPATH,
    'kafka.tools.StorageTool',
    'format',
    '-t',
    clusterId(),
    '-c',
    paths.kafka.serverProperties,
    '--ignore-formatted',
  ];
  const result = await runCommand(java, args, paths.kafka.home);
  if (result.code !== 0) {
    throw new InfraError(
      'START_FAILED',
      `kafka: formatting the storage failed (exit ${result.code}):\n${result.output}`,
    );
  }
}
