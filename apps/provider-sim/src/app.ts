import { Hono } from 'hono';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { CallbackSender } from './callbacks.js';
import type { SimLogger } from './logger.js';
import { resolveSimulatorOptions } from './options.js';
import type { SimulatorOptions, SimulatorOptionsInput } from './options.js';
import { seededStreams } from './random.js';
import { Scheduler } from './scheduler.js';
import { SmppSimulator } from './smpp/simulator.js';
import { SimStats } from './stats.js';
import type { SimStatsSnapshot } from './stats.js';
import { twilioErrorBody } from './twilio/errors.js';
import { twilioRoutes } from './twilio/routes.js';
import { telegramRoutes } from './telegram/routes.js';
import { resolveTelegramSimOptions } from './telegram/options.js';
import type { TelegramSimOptions, TelegramSimOptionsInput } from './telegram/options.js';
import { whatsappRoutes } from './whatsapp/routes.js';
import { resolveWhatsAppSimOptions } from './whatsapp/options.js';
import type { WhatsAppSimOptions, WhatsAppSimOptionsInput } from './whatsapp/options.js';

/** Everything createSimulatorApp takes: the shared options plus each chat vendor's account. */
export type SimulatorInput = SimulatorOptionsInput & {
  whatsapp?: WhatsAppSimOptionsInput;
  telegram?: TelegramSimOptionsInput;
};

/** Whether one of the simulator's servers (HTTP, SMPP) is listening, for /readyz. */
export interface ServerCheck {
  name: string;
  ok: boolean;
}

/** What shutdown did with the status lifecycles still running when it started. */
export interface CloseReport {
  pendingAtClose: number;
  /** True when every pending lifecycle finished within the grace period. */
  flushed: boolean;
  stats: SimStatsSnapshot;
}

/** A running simulator: the HTTP app plus the handle that owns its timers. */
export interface Simulator {
  app: Hono;
  /** The resolved options, including the seed actually used. */
  options: SimulatorOptions;
  stats(): SimStatsSnapshot;
  /** The simulated WhatsApp Business number, resolved (webhook URL included). */
  whatsapp: WhatsAppSimOptions;
  /** The simulated Telegram bot, resolved. */
  telegram: TelegramSimOptions;
  /** The simulated SMSC; call `smpp.listen(host, port)` to serve it beside the HTTP app. */
  smpp: SmppSimulator;
  /** Tells /readyz which servers must be listening; until called, /readyz answers 503. */
  serving(checks: () => ServerCheck[]): void;
  /** /readyz answers 503 `draining` from now on; sends are still served until `close`. */
  drain(): void;
  /**
   * Refuses new sends, fires pending status steps at once, and cancels whatever has not
   * finished after `graceMs`. Idempotent.
   */
  close(graceMs: number): Promise<CloseReport>;
}

/** Builds the simulator; options are validated here and throw SimulatorOptionError. */
export function createSimulatorApp(input?: SimulatorInput): Simulator {
  const options = resolveSimulatorOptions(input);
  const whatsapp = resolveWhatsAppSimOptions(input?.whatsapp);
  const telegram = resolveTelegramSimOptions(input?.telegram);
  const { logger } = options;
  const stats = new SimStats();
  const scheduler = new Scheduler((error) =>
    logger.error({ error: String(error) }, 'simulator task crashed'),
  );
  const callbacks = new CallbackSender({
    maxAttempts: options.callbackMaxAttempts,
    retryBaseMs: options.callbackRetryBaseMs,
    timeoutMs: options.callbackTimeoutMs,
    scheduler,
    stats,
    logger,
  });
  let closing: Promise<CloseReport> | null = null;
  const smpp = new SmppSimulator({
    account: options.smpp,
    stats: stats.smpp,
    options,
    scheduler,
    logger,
    isClosing: () => closing !== null,
  });
  const app = new Hono();
  let servers: () => ServerCheck[] = () => [];
  let draining = false;
  app.get('/healthz', (c) =>
    closing === null ? c.json({ status: 'ok' }) : c.json({ status: 'stopping' }, 503),
  );
  app.get('/readyz', (c) => {
    if (draining || closing !== null) return c.json({ status: 'draining', checks: [] }, 503);
    const checks = servers();
    const ok = checks.length > 0 && checks.every((check) => check.ok);
    return c.json({ status: ok ? 'ready' : 'not_ready', checks }, ok ? 200 : 503);
  });
  app.get('/sim/stats', (c) => c.json(stats.snapshot(scheduler.pending())));
  const streams = seededStreams(options.seed);
  const vendorDeps = { options, ...streams, scheduler, callbacks, stats, isClosing: () => closing !== null };
  app.route('/', twilioRoutes(vendorDeps));
  app.route('/', whatsappRoutes({ ...vendorDeps, whatsapp }));
  app.route('/', telegramRoutes({ ...vendorDeps, telegram }));
  app.notFound((c) =>
    c.json(twilioErrorBody(404, 20404, `The requested resource ${c.req.path} was not found`), 404),
  );
  app.onError(errorHandler(logger));
  const shutdown = async (graceMs: number): Promise<CloseReport> => {
    const pendingAtClose = scheduler.pending();
    scheduler.flush();
    const flushed = await settlesWithin(scheduler.idle(), graceMs);
    if (!flushed) {
      scheduler.cancel();
      callbacks.abortInFlight();
      await scheduler.idle();
    }
    await callbacks.close();
    // Receipts went out during the flush above; only then unbind the SMPP sessions.
    await smpp.close();
    return { pendingAtClose, flushed, stats: stats.snapshot(scheduler.pending()) };
  };
  return {
    app,
    options,
    stats: () => stats.snapshot(scheduler.pending()),
    whatsapp,
    telegram,
    smpp,
    serving: (checks) => {
      servers = checks;
    },
    drain: () => {
      draining = true;
    },
    close: (graceMs) => (closing ??= shutdown(graceMs)),
  };
}

/** Protocol errors carry their Twilio response; anything else is a simulator bug, answered 500. */
function errorHandler(logger: SimLogger) {
  return function simulatorErrorHandler(error: Error, c: Context): Response {
    if (error instanceof HTTPException) return error.getResponse();
    logger.error({ error: error.message, stack: error.stack }, 'unhandled error');
    return c.json(twilioErrorBody(500, 20500, 'Internal Server Error'), 500);
  };
}

async function settlesWithin(task: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([task.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
