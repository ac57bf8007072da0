import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL } from '../config.js';
import { paths } from '../paths.js';

/** Single-node KRaft settings; docker-compose.kafka.yml sets the same ones. */
export function serverProperties(): string {
  const { host, kafkaPort, kafkaControllerPort } = LOCAL;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${kafkaControllerPort}`,
    `listeners=PLAINTEXT://${host}:${kafkaPort},CONTROLLER://${host}:${kafkaControllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${kafkaPort}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${paths.kafka.data}`,
    'num.partitions=6',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'auto.create.topics.enable=false',
    // One broker: internal topics must have replication factor 1, or the group coordinator never comes up.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    // Fewer internal partitions and no initial rebalance delay keep start-up and tests fast.
    'offsets.topic.num.partitions=1',
    'transaction.state.log.num.partitions=1',
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');
}

/** Broker logging at INFO to stdout, which the launcher appends to .herald/logs/kafka.log. */
export function log4jProperties(): string {
  return [
    'log4j.rootLogger=INFO, stdout',
    'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.org.apache.kafka.clients=WARN',
    '',
  ].join('\n');
}

/** Writes server.properties and log4j.properties afresh, so setting changes apply on the next start. */
export function writeKafkaConfig(): void {
  mkdirSync(paths.kafka.home, { recursive: true });
  writeFileSync(paths.kafka.serverProperties, serverProperties());
  writeFileSync(paths.kafka.log4jProperties, log4jProperties());
}

/** True once the storage directory has been formatted. */
export function isFormatted(): boolean {
  return existsSync(join(paths.kafka.data, 'meta.properties'));
}

/** The cluster id: persisted in .herald/kafka/cluster.id, recovered from formatted storage, or new. */
export function clusterId(): string {
  const file = paths.kafka.clusterIdFile;
  const id =
    (existsSync(file) ? readFileSync(file, 'utf8').trim() : '') || formattedClusterId() || newClusterId();
  writeFileSync(file, `${id}\n`);
  return id;
}

function formattedClusterId(): string {
  const meta = join(paths.kafka.data, 'meta.properties');
  if (!existsSync(meta)) return '';
  return /^cluster\.id=(.+)$/m.exec(readFileSync(meta, 'utf8'))?.[1]?.trim() ?? '';
}

/** Same shape as Kafka's Uuid.randomUuid(): 16 random bytes, base64url, never starting with '-'. */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
