import { LOCAL } from './config.js';
import { InfraError, messageOf } from './errors.js';
import { rotateLog, withLogTail } from './logs.js';
import { logFile } from './paths.js';
import { isPortInUse } from './ports.js';
import type { LaunchSpec } from './process.js';
import { isAlive, isOurProcess, readPid, removePid, spawnDetached, terminate, writePid } from './process.js';
import { timed } from './timing.js';
import { waitUntil } from './wait.js';

/** A JVM that Herald fetches, starts, checks and stops itself. */
export interface LocalService {
  readonly name: string;
  /** What clients connect to, for messages. */
  readonly address: string;
  /** Ports on 127.0.0.1 the service binds; someone else holding one is an error. */
  readonly ports: readonly number[];
  /** A string only this service's command line contains, to tell our pid from a recycled one. */
  readonly marker: string;
  readonly readyTimeoutMs: number;
  /** Downloads what is missing; true when it downloaded something. */
  fetch(): Promise<boolean>;
  /** Writes configuration and returns how to launch. */
  prepare(): Promise<LaunchSpec>;
  /** One cheap readiness check; never throws. */
  probe(): Promise<boolean>;
}

export type EnsureOutcome =
  | { readonly kind: 'already-running'; readonly pid: number }
  | {
      readonly kind: 'started';
      readonly pid: number;
      readonly fetched: boolean;
      readonly fetchMs: number;
      readonly startMs: number;
      readonly readyMs: number;
    };

/** Starts the service unless our process is already running and answering. */
export async function ensureLocalService(
  service: LocalService,
  log: (line: string) => void,
): Promise<EnsureOutcome> {
  const existing = readPid(service.name);
  if (existing !== undefined && isOurProcess(existing, service.marker)) {
    if (!(await service.probe())) {
      log(`${service.name}: pid ${existing} is running but not answering yet, waiting for it`);
      await awaitReady(service, existing);
    }
    return { kind: 'already-running', pid: existing };
  }
  if (existing !== undefined) {
    removePid(service.name);
    log(`${service.name}: removed a stale pid file (pid ${existing} is not running), starting afresh`);
  }
  await assertPortsFree(service);
  const [fetched, fetchMs] = await timed(() => service.fetch());
  const [pid, startMs] = await timed(() => launch(service));
  const [, readyMs] = await timed(() => awaitReady(service, pid));
  return { kind: 'started', pid, fetched, fetchMs, startMs, readyMs };
}

async function assertPortsFree(service: LocalService): Promise<void> {
  for (const port of service.ports) {
    if (await isPortInUse(LOCAL.host, port)) {
      throw new InfraError(
        'PORT_IN_USE',
        `${service.name}: port ${LOCAL.host}:${port} is already in use by a process Herald did not start. ` +
          `Stop it, or, if it is a ${service.name} you run yourself (e.g. docker compose), point Herald at it ` +
          `with ${service.name === 'kafka' ? 'KAFKA_BROKERS' : 'SCHEMA_REGISTRY_URL'}.`,
      );
    }
  }
}

async function launch(service: LocalService): Promise<number> {
  const spec = await service.prepare();
  const log = logFile(service.name);
  rotateLog(log);
  const pid = await spawnDetached(spec, log).catch((error: unknown) => {
    throw new InfraError(
      'START_FAILED',
      `${service.name}: could not run ${spec.command}: ${messageOf(error)}`,
    );
  });
  writePid(service.name, pid);
  return pid;
}

/** Waits for readiness; on failure stops the process and throws with the tail of its log. */
async function awaitReady(service: LocalService, pid: number): Promise<void> {
  const log = logFile(service.name);
  const exitedEarly = (): boolean => !isAlive(pid);
  let ready = false;
  try {
    ready = await waitUntil(
      async () => {
        if (await service.probe()) return true;
        if (exitedEarly()) {
          throw new InfraError(
            'START_FAILED',
            withLogTail(`${service.name} (pid ${pid}) exited before it was ready`, log),
          );
        }
        return false;
      },
      { timeoutMs: service.readyTimeoutMs, intervalMs: 500 },
    );
  } catch (error) {
    removePid(service.name);
    throw error;
  }
  if (ready) return;
  await terminate(pid);
  removePid(service.name);
  const limit = `${Math.round(service.readyTimeoutMs / 1000)} s`;
  throw new InfraError(
    'NOT_READY',
    withLogTail(
      `${service.name} (pid ${pid}) was not ready on ${service.address} within ${limit}; stopped it`,
      log,
    ),
  );
}

export type StopOutcome = 'stopped' | 'killed' | 'not-running' | 'stale-pid-removed';

/** SIGTERM, up to 30 s for a clean exit, then SIGKILL. */
export async function stopLocalService(service: Pick<LocalService, 'name' | 'marker'>): Promise<StopOutcome> {
  const pid = readPid(service.name);
  if (pid === undefined) return 'not-running';
  if (!isOurProcess(pid, service.marker)) {
    removePid(service.name);
    return 'stale-pid-removed';
  }
  const result = await terminate(pid);
  removePid(service.name);
  return result === 'exited' ? 'stopped' : 'killed';
}

export interface LocalStatus {
  readonly running: boolean;
  readonly pid: number | undefined;
  readonly ready: boolean;
  readonly note: string | undefined;
}

/** Whether our process runs and answers; when it does not run, whether someone else holds its ports. */
export async function localServiceStatus(service: LocalService): Promise<LocalStatus> {
  const pid = readPid(service.name);
  if (pid !== undefined && isOurProcess(pid, service.marker)) {
    return { running: true, pid, ready: await service.probe(), note: undefined };
  }
  const busy: number[] = [];
  for (const port of service.ports) if (await isPortInUse(LOCAL.host, port)) busy.push(port);
  const notes = [
    pid === undefined ? undefined : `stale pid file (pid ${pid} is not running)`,
    busy.length === 0 ? undefined : `port ${busy.join(', ')} held by a process Herald did not start`,
  ].filter((note): note is string => note !== undefined);
  return {
    running: false,
    pid: undefined,
    ready: false,
    note: notes.length === 0 ? undefined : notes.join('; '),
  };
}
