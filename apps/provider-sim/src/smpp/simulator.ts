import type { SmppServer, SmppSession } from '@herald/transports';
import type { SimLogger } from '../logger.js';
import type { SimulatorOptions } from '../options.js';
import { mulberry32 } from '../random.js';
import type { Scheduler } from '../scheduler.js';
import type { SmppAccount } from './account.js';
import { BoundSessions, ReceivedMessages } from './context.js';
import type { ReceivedSmppMessage, SmppContext } from './context.js';
import { smpp } from './library.js';
import { Reassembly } from './reassembly.js';
import { serveSession } from './session.js';
import type { SmppStats } from './stats.js';

/** A listening SMPP server; SmppSimulator.close() stops it. */
export interface RunningSmppServer {
  port: number;
}

/** What the SMPP side shares with the rest of the simulator. */
export interface SmppSimulatorDeps {
  account: SmppAccount;
  stats: SmppStats;
  options: SimulatorOptions;
  scheduler: Scheduler;
  logger: SimLogger;
  isClosing: () => boolean;
}

// Unbind answers are quick or never; shutdown does not wait longer than this for one.
const UNBIND_WAIT_MS = 1_000;

/** The simulated SMSC: binds, submit_sm with injected outcomes, reassembly and receipts. */
export class SmppSimulator {
  readonly #context: SmppContext;
  readonly #servers = new Set<SmppServer>();
  readonly #connections = new Set<SmppSession>();

  constructor(deps: SmppSimulatorDeps) {
    const { seed, maxStoredMessages } = deps.options;
    this.#context = {
      ...deps,
      // Streams of their own, so SMPP traffic never shifts the outcomes of HTTP traffic.
      outcomes: mulberry32((seed ^ 0x736d7070) >>> 0),
      jitter: mulberry32((seed ^ 0x6a697474) >>> 0),
      sessions: new BoundSessions(),
      reassembly: new Reassembly(maxStoredMessages),
      received: new ReceivedMessages(100),
    };
  }

  /** The last 100 complete messages, oldest first. */
  receivedMessages(): ReceivedSmppMessage[] {
    return this.#context.received.list();
  }

  /** True while a server of this SMSC is bound (from `listen` until `close`). */
  get listening(): boolean {
    return [...this.#servers].some((server) => server.address() !== null);
  }

  /** Listens on host:port (0 picks a free port), resolving once the socket is bound. */
  async listen(host: string, port: number): Promise<RunningSmppServer> {
    const server = smpp.createServer((session) => {
      // Small PDUs must not wait for the ESME's acknowledgements (Nagle), or answers serialise.
      session.socket.setNoDelay(true);
      this.#connections.add(session);
      session.on('close', () => this.#connections.delete(session));
      serveSession(session, this.#context);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#servers.add(server);
    const address = server.address();
    if (address === null || typeof address === 'string')
      throw new Error('SMPP server is not listening on TCP');
    return { port: address.port };
  }

  /** Destroys every connection without unbinding, as a crashing SMSC would; for tests. */
  dropConnections(): void {
    for (const session of this.#connections) session.destroy();
  }

  /** Stops listening, unbinds every bound session and closes every connection. */
  async close(): Promise<void> {
    // A net server's close callback waits for its connections, so end those before awaiting it.
    const stopped = [...this.#servers].map(
      (server) => new Promise<void>((resolve) => server.close(() => resolve())),
    );
    this.#servers.clear();
    await Promise.all([...this.#connections].map((session) => this.#endSession(session)));
    await Promise.all(stopped);
  }

  /** Sends unbind to a bound session and waits briefly for unbind_resp, then closes the socket. */
  async #endSession(session: SmppSession): Promise<void> {
    const closed = new Promise<void>((resolve) => session.on('close', resolve));
    if (this.#context.sessions.get(session) !== undefined) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, UNBIND_WAIT_MS);
        const written = session.send(new smpp.PDU('unbind'), () => {
          clearTimeout(timer);
          resolve();
        });
        if (!written) resolve();
      });
    }
    session.close();
    const timer = setTimeout(() => session.destroy(), UNBIND_WAIT_MS);
    await closed;
    clearTimeout(timer);
  }
}
