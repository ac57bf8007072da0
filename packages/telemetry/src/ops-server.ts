import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import { isDraining } from './shutdown.js';

/** Outcome of one readiness check (Kafka, registry, Postgres, consumer assignment...). */
export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

export type ReadinessProbe = () => Promise<ReadinessCheck[]>;

const CHECK_TIMEOUT_MS = 1500;
const CACHE_MS = 1000;

/**
 * Readiness that always answers fast: one probe at a time (callers share it), its result reused
 * for a second, and a probe that outlives the deadline reported as not ready. Without this, slow
 * dependencies make probes pile up, each opening connections, and slow everything further.
 */
function singleFlight(ready: ReadinessProbe): ReadinessProbe {
  let inFlight: Promise<ReadinessCheck[]> | null = null;
  let cached: { at: number; checks: ReadinessCheck[] } | null = null;
  return () => {
    if (cached && Date.now() - cached.at < CACHE_MS) return Promise.resolve(cached.checks);
    inFlight ??= withDeadline(ready()).then((checks) => {
      cached = { at: Date.now(), checks };
      inFlight = null;
      return checks;
    });
    return inFlight;
  };
}

async function withDeadline(probe: Promise<ReadinessCheck[]>): Promise<ReadinessCheck[]> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<ReadinessCheck[]>((resolve) => {
    timer = setTimeout(
      () => resolve([{ name: 'readiness', ok: false, detail: `no answer within ${CHECK_TIMEOUT_MS} ms` }]),
      CHECK_TIMEOUT_MS,
    );
  });
  const checks = probe.catch((error: unknown) => [
    { name: 'readiness', ok: false, detail: error instanceof Error ? error.message : String(error) },
  ]);
  return Promise.race([checks, deadline]).finally(() => clearTimeout(timer));
}

/** How the ops routes learn that the process is shutting down. */
export interface OpsRouteOptions {
  /** True while the process drains; defaults to the process-wide state set on SIGTERM/SIGINT. */
  draining?: () => boolean;
}

/**
 * Adds /healthz (process up), /readyz (dependencies; 503 `draining` once a shutdown has begun, without
 * probing, so a load balancer stops sending traffic at once) and /metrics (Prometheus) to `app`.
 */
export function mountOpsRoutes(
  app: Hono,
  registry: Registry,
  ready: ReadinessProbe,
  options: OpsRouteOptions = {},
): Hono {
  const probe = singleFlight(ready);
  const draining = options.draining ?? isDraining;
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    if (draining()) return c.json({ status: 'draining', checks: [] }, 503);
    const checks = await probe();
    const ok = checks.every((check) => check.ok);
    return c.json({ status: ok ? 'ready' : 'not_ready', checks }, ok ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    c.header('Content-Type', registry.contentType);
    return c.body(await registry.metrics());
  });
  return app;
}

/** Serves the ops routes on their own port, for apps that have no public HTTP API. */
export async function startOpsServer(options: {
  port: number;
  host?: string;
  registry: Registry;
  ready: ReadinessProbe;
}): Promise<{ port: number; close: () => Promise<void> }> {
  const app = mountOpsRoutes(new Hono(), options.registry, options.ready);
  return listen(app, options.port, options.host ?? '127.0.0.1');
}

/** Starts `app` on host:port and resolves with the bound port once listening. */
export function listen(
  app: Hono,
  port: number,
  host: string,
): Promise<{ port: number; server: ServerType; close: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
      resolve({
        port: info.port,
        server,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            if ('closeIdleConnections' in server) server.closeIdleConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}
