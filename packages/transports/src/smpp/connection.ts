import { assertNever } from '../exhaustive.js';
import { ESME, describeCommandStatus } from './command-status.js';
import { smppLibrary } from './library.js';
import type { SmppPdu, SmppSession } from './library.js';
import type { ResolvedSmppOptions } from './options.js';

/** Why there is no bound session right now; becomes a retryable send failure. */
export interface SessionFailure {
  errorCode: 'network_error' | 'smpp_bind_failed' | 'smpp_closed';
  errorMessage: string;
}

/** The answer to a request, or the connection ending before it came. */
export type RequestOutcome = { kind: 'response'; pdu: SmppPdu } | { kind: 'disconnected'; reason: string };

/** What ready() found: a bound session, the last attempt's failure, or the caller's signal. */
export type Readiness = { kind: 'bound' } | { kind: 'failed'; failure: SessionFailure } | { kind: 'aborted' };

type State =
  | { name: 'idle' }
  | { name: 'binding'; session: SmppSession; timer: NodeJS.Timeout }
  | { name: 'bound'; session: SmppSession; keepAlive: NodeJS.Timeout }
  | { name: 'waiting'; failure: SessionFailure; timer: NodeJS.Timeout }
  | { name: 'closed' };

const CLOSED: SessionFailure = { errorCode: 'smpp_closed', errorMessage: 'the SMPP transport is closed' };

/**
 * One bind_transceiver session that stays up: it re-binds with exponential backoff whenever the
 * connection drops, keeps the link alive with enquire_link, answers the SMSC's requests and hands
 * deliver_sm to `onDeliverSm` after acknowledging it.
 */
export class SmppConnection {
  readonly #options: ResolvedSmppOptions;
  readonly #onDeliverSm: (pdu: SmppPdu) => void;
  #state: State = { name: 'idle' };
  #failedAttempts = 0;
  /** Why the current session ended, when something other than a plain close ended it. */
  #endReason: SessionFailure | null = null;
  readonly #pending = new Map<number, (outcome: RequestOutcome) => void>();
  readonly #stateListeners = new Set<() => void>();

  constructor(options: ResolvedSmppOptions, onDeliverSm: (pdu: SmppPdu) => void) {
    this.#options = options;
    this.#onDeliverSm = onDeliverSm;
  }

  /** Opens the session if nothing has yet; later calls do nothing. */
  start(): void {
    if (this.#state.name === 'idle') this.#connect();
  }

  /** Waits for the attempt in progress; answers at once when bound or between attempts. */
  async ready(signal: AbortSignal): Promise<Readiness> {
    this.start();
    while (this.#state.name === 'binding') {
      if (!(await this.#nextStateChange(signal))) return { kind: 'aborted' };
    }
    const state = this.#state;
    switch (state.name) {
      case 'bound':
        return { kind: 'bound' };
      case 'waiting':
        return { kind: 'failed', failure: state.failure };
      // idle cannot follow start(); binding ended the loop above.
      case 'idle':
      case 'closed':
        return { kind: 'failed', failure: CLOSED };
      default:
        return assertNever(state);
    }
  }

  /**
   * Sends a request on the bound session; the outcome never rejects. A request unanswered within
   * timeoutMs means the link is broken: the session is dropped (failing every request still
   * waiting) and re-bound, so no request waits forever.
   */
  async request(command: string, fields: Record<string, unknown>): Promise<RequestOutcome> {
    if (this.#state.name !== 'bound') return { kind: 'disconnected', reason: 'not bound' };
    const session = this.#state.session;
    const timer = setTimeout(() => {
      this.#endReason ??= {
        errorCode: 'network_error',
        errorMessage: `${command} unanswered within ${this.#options.timeoutMs} ms`,
      };
      session.destroy();
    }, this.#options.timeoutMs);
    try {
      return await this.#send(session, command, fields);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Unbinds (waiting up to timeoutMs for unbind_resp) and stops re-binding. Idempotent. */
  async close(): Promise<void> {
    const state = this.#state;
    this.#state = { name: 'closed' };
    this.#notify();
    switch (state.name) {
      case 'bound':
        clearInterval(state.keepAlive);
        await this.#unbind(state.session);
        return;
      case 'binding':
        clearTimeout(state.timer);
        await destroyed(state.session);
        return;
      case 'waiting':
        clearTimeout(state.timer);
        return;
      case 'idle':
      case 'closed':
        return;
      default:
        assertNever(state);
    }
  }

  #connect(): void {
    const session = smppLibrary.connect({ host: this.#options.host, port: this.#options.port });
    // Nagle would hold each small PDU until the previous one is acknowledged, serialising the window.
    session.socket.setNoDelay(true);
    this.#endReason = null;
    const timer = setTimeout(() => {
      this.#endReason = {
        errorCode: 'network_error',
        errorMessage: `no bind within ${this.#options.timeoutMs} ms`,
      };
      session.destroy();
    }, this.#options.timeoutMs);
    this.#state = { name: 'binding', session, timer };
    session.on('connect', () => void this.#bind(session));
    session.on('pdu', (pdu) => this.#onPdu(session, pdu));
    session.on('error', (error) => {
      this.#endReason ??= { errorCode: 'network_error', errorMessage: describeError(error) };
      session.destroy();
    });
    session.on('close', () => this.#onClose(session));
  }

  async #bind(session: SmppSession): Promise<void> {
    const { systemId, password, systemType } = this.#options;
    const outcome = await this.#send(session, 'bind_transceiver', {
      system_id: systemId,
      password,
      system_type: systemType,
      interface_version: 0x34,
    });
    if (this.#state.name !== 'binding' || this.#state.session !== session) return;
    if (outcome.kind === 'disconnected') return;
    if (outcome.pdu.command_status !== ESME.ROK) {
      this.#endReason = {
        errorCode: 'smpp_bind_failed',
        errorMessage: `bind_transceiver refused: ${describeCommandStatus(outcome.pdu.command_status)}`,
      };
      session.destroy();
      return;
    }
    clearTimeout(this.#state.timer);
    this.#failedAttempts = 0;
    // A link that does not answer enquire_link in time is dead: request() drops it and re-binds.
    const keepAlive = setInterval(() => void this.request('enquire_link', {}), this.#options.enquireLinkMs);
    keepAlive.unref();
    this.#state = { name: 'bound', session, keepAlive };
    this.#options.logger.info({ host: this.#options.host, port: this.#options.port }, 'smpp session bound');
    this.#notify();
  }

  #onPdu(session: SmppSession, pdu: SmppPdu): void {
    if (pdu.isResponse()) return;
    switch (pdu.command) {
      case 'deliver_sm':
        // Acknowledge first: the receipt is ours once it has been read, whatever listeners do.
        session.send(pdu.response());
        this.#onDeliverSm(pdu);
        return;
      case 'enquire_link':
        session.send(pdu.response());
        return;
      case 'unbind':
        session.send(pdu.response());
        this.#endReason = { errorCode: 'network_error', errorMessage: 'the SMSC unbound the session' };
        session.close();
        return;
      case 'unknown':
        session.send(pdu.response());
        return;
      default:
        // Requests a transceiver ESME may ignore (alert_notification has no response at all).
        return;
    }
  }

  #onClose(session: SmppSession): void {
    session.removeAllListeners();
    // A late 'error' after close must not become an unhandled exception.
    session.on('error', () => undefined);
    for (const [sequence, settle] of this.#pending) {
      this.#pending.delete(sequence);
      settle({ kind: 'disconnected', reason: this.#endReason?.errorMessage ?? 'connection closed' });
    }
    const state = this.#state;
    if ((state.name !== 'binding' && state.name !== 'bound') || state.session !== session) return;
    if (state.name === 'binding') clearTimeout(state.timer);
    else clearInterval(state.keepAlive);
    const failure = this.#endReason ?? {
      errorCode: 'network_error',
      errorMessage: 'connection closed by the SMSC',
    };
    const delay = Math.min(
      this.#options.reconnectMaxMs,
      this.#options.reconnectBaseMs * 2 ** this.#failedAttempts,
    );
    this.#failedAttempts += 1;
    this.#options.logger.warn({ ...failure, retryInMs: delay }, 'smpp session down');
    const timer = setTimeout(() => this.#connect(), delay);
    timer.unref();
    this.#state = { name: 'waiting', failure, timer };
    this.#notify();
  }

  #send(session: SmppSession, command: string, fields: Record<string, unknown>): Promise<RequestOutcome> {
    return new Promise<RequestOutcome>((resolve) => {
      const pdu = new smppLibrary.PDU(command, fields);
      const written = session.send(pdu, (response) => {
        this.#pending.delete(pdu.sequence_number);
        resolve({ kind: 'response', pdu: response });
      });
      if (written) this.#pending.set(pdu.sequence_number, resolve);
      else resolve({ kind: 'disconnected', reason: 'socket not writable' });
    });
  }

  /** Sends unbind, then ends the socket; bounded by timeoutMs whatever the SMSC does. */
  #unbind(session: SmppSession): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        session.destroy();
        resolve();
      }, this.#options.timeoutMs);
      session.on('close', () => {
        clearTimeout(timer);
        resolve();
      });
      void this.#send(session, 'unbind', {}).then(() => session.close());
    });
  }

  #nextStateChange(signal: AbortSignal): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const onChange = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      };
      const onAbort = (): void => {
        this.#stateListeners.delete(onChange);
        resolve(false);
      };
      if (signal.aborted) return resolve(false);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#stateListeners.add(onChange);
    });
  }

  #notify(): void {
    const listeners = [...this.#stateListeners];
    this.#stateListeners.clear();
    for (const listener of listeners) listener();
  }
}

function destroyed(session: SmppSession): Promise<void> {
  return new Promise<void>((resolve) => session.destroy(resolve));
}

function describeError(error: Error): string {
  const code = 'code' in error && typeof error.code === 'string' ? `${error.code}: ` : '';
  return `${code}${error.message}`;
}
