import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';

/**
 * One SMPP PDU as the `smpp` package models it: header fields, then every mandatory parameter and
 * TLV as a property named after the SMPP 3.4 field (`destination_addr`, `receipted_message_id`).
 */
export interface SmppPdu {
  command: string;
  command_id: number;
  command_status: number;
  sequence_number: number;
  [field: string]: unknown;
  isResponse(): boolean;
  /** The matching response PDU (same sequence number), e.g. deliver_sm_resp for a deliver_sm. */
  response(fields?: Record<string, unknown>): SmppPdu;
  toBuffer(): Buffer;
}

/** One SMPP connection, client or server side. */
export interface SmppSession {
  readonly socket: Socket;
  /** Writes a PDU; false (and no callback ever) when the socket is no longer writable. */
  send(pdu: SmppPdu, onResponse?: (response: SmppPdu) => void): boolean;
  /** Ends the socket gracefully. */
  close(callback?: () => void): void;
  /** Destroys the socket at once. */
  destroy(callback?: () => void): void;
  on(event: 'pdu', listener: (pdu: SmppPdu) => void): this;
  on(event: 'connect' | 'close', listener: () => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  removeAllListeners(): this;
}

/** The package's TCP server; every accepted connection becomes a session. */
export interface SmppServer {
  readonly sessions: SmppSession[];
  listen(port: number, host: string, callback: () => void): this;
  close(callback?: (error?: Error) => void): this;
  address(): AddressInfo | string | null;
  on(event: 'session', listener: (session: SmppSession) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  once(event: 'error', listener: (error: Error) => void): this;
  off(event: 'error', listener: (error: Error) => void): this;
}

/** One of the package's text codecs. */
export interface SmppTextCodec {
  encode(text: string): Buffer;
  decode(bytes: Buffer): string;
}

/** The part of the `smpp` package Herald uses, typed (the package ships no declarations). */
export interface SmppLibrary {
  connect(options: { host: string; port: number }): SmppSession;
  createServer(listener: (session: SmppSession) => void): SmppServer;
  PDU: {
    /** A PDU to send; `sequence_number` is assigned when a session sends it. */
    new (command: string, fields?: Record<string, unknown>): SmppPdu;
    /** Decodes one whole PDU from its bytes. */
    new (bytes: Buffer): SmppPdu;
  };
  /** `ASCII` is the GSM 03.38 default alphabet, one septet per octet; `UCS2` is UTF-16BE. */
  encodings: { ASCII: SmppTextCodec; UCS2: SmppTextCodec };
}

/** The `smpp` package (CommonJS), loaded once and seen through SmppLibrary. */
export const smppLibrary: SmppLibrary = createRequire(import.meta.url)('smpp') as SmppLibrary;
