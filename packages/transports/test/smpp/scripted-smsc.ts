import type { SmppPdu, SmppServer, SmppSession } from '../../src/index.js';
import { smppLibrary } from '../../src/index.js';

/** A submit_sm as it crossed the wire: the exact bytes, and the fields read from them. */
export interface CapturedSubmit {
  bytes: Buffer;
  fields: RawSubmitSm;
}

/** submit_sm mandatory parameters read straight from the bytes (SMPP 3.4, 4.4.1). */
export interface RawSubmitSm {
  serviceType: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  destinationAddr: string;
  esmClass: number;
  protocolId: number;
  priorityFlag: number;
  scheduleDeliveryTime: string;
  validityPeriod: string;
  registeredDelivery: number;
  replaceIfPresentFlag: number;
  dataCoding: number;
  smDefaultMsgId: number;
  shortMessage: Buffer;
}

/** How the SMSC answers one submit_sm: a status and id, after an optional delay, or never. */
export type SubmitAnswer = { status?: number; messageId?: string; delayMs?: number } | 'hang';

export interface ScriptOptions {
  /** command_status for a bind; 0 by default. */
  bind?: (pdu: SmppPdu) => number;
  submit?: (submit: CapturedSubmit, index: number) => SubmitAnswer;
}

/** A real SMPP server on loopback that records what the transport sends and answers as scripted. */
export interface ScriptedSmsc {
  port: number;
  binds: SmppPdu[];
  submits: CapturedSubmit[];
  /** Commands received, in order, across every connection (`bind_transceiver`, `unbind`, ...). */
  commands: string[];
  /** submit_sm received and not yet answered, right now and at most. */
  outstanding(): { now: number; max: number };
  /** Sends a deliver_sm to the most recently bound session; resolves with its response. */
  deliver(fields: Record<string, unknown>): Promise<SmppPdu>;
  /** Destroys every connection, as a crashed SMSC would. */
  dropConnections(): void;
  close(): Promise<void>;
}

export async function startScriptedSmsc(script: ScriptOptions = {}): Promise<ScriptedSmsc> {
  const state = {
    binds: [] as SmppPdu[],
    submits: [] as CapturedSubmit[],
    commands: [] as string[],
    outstanding: 0,
    maxOutstanding: 0,
    bound: [] as SmppSession[],
    all: new Set<SmppSession>(),
  };
  const server: SmppServer = smppLibrary.createServer((session) => {
    state.all.add(session);
    session.socket.setNoDelay(true);
    session.on('close', () => {
      state.all.delete(session);
      state.bound = state.bound.filter((each) => each !== session);
    });
    session.on('error', () => session.destroy());
    const raw = rawPdus(session);
    session.on('pdu', (pdu) => {
      const bytes = raw.shift();
      if (pdu.isResponse()) return;
      state.commands.push(pdu.command);
      answer(session, pdu, bytes ?? Buffer.alloc(0), script, state);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  return {
    port: address.port,
    binds: state.binds,
    submits: state.submits,
    commands: state.commands,
    outstanding: () => ({ now: state.outstanding, max: state.maxOutstanding }),
    deliver: (fields) => {
      const session = state.bound.at(-1);
      if (session === undefined) return Promise.reject(new Error('no bound session'));
      return new Promise<SmppPdu>((resolve) =>
        session.send(new smppLibrary.PDU('deliver_sm', fields), resolve),
      );
    },
    dropConnections: () => {
      for (const session of state.all) session.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of state.all) session.destroy();
        server.close(() => resolve());
      }),
  };
}

type State = {
  binds: SmppPdu[];
  submits: CapturedSubmit[];
  outstanding: number;
  maxOutstanding: number;
  bound: SmppSession[];
};

function answer(
  session: SmppSession,
  pdu: SmppPdu,
  bytes: Buffer,
  script: ScriptOptions,
  state: State,
): void {
  switch (pdu.command) {
    case 'bind_transceiver': {
      state.binds.push(pdu);
      const status = script.bind?.(pdu) ?? 0;
      if (status === 0) state.bound.push(session);
      session.send(pdu.response(status === 0 ? { system_id: 'scripted' } : { command_status: status }));
      return;
    }
    case 'submit_sm': {
      const captured = { bytes, fields: readSubmitSm(bytes) };
      state.submits.push(captured);
      const reply = script.submit?.(captured, state.submits.length - 1) ?? {};
      state.outstanding += 1;
      state.maxOutstanding = Math.max(state.maxOutstanding, state.outstanding);
      if (reply === 'hang') return;
      const respond = (): void => {
        state.outstanding -= 1;
        const status = reply.status ?? 0;
        const fields =
          status === 0
            ? { message_id: reply.messageId ?? `id-${state.submits.length}` }
            : { command_status: status };
        session.send(pdu.response(fields));
      };
      if (reply.delayMs === undefined) respond();
      else setTimeout(respond, reply.delayMs);
      return;
    }
    case 'unbind':
      session.send(pdu.response(), () => session.close());
      return;
    default:
      session.send(pdu.response());
  }
}

/**
 * The raw bytes of each PDU the session reads, in order. The package reads the length, then the
 * rest; 'data' fires for each read, so the chunks are reassembled here by command_length.
 */
function rawPdus(session: SmppSession): Buffer[] {
  const complete: Buffer[] = [];
  let pending = Buffer.alloc(0);
  session.socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= pending.readUInt32BE(0)) {
      const length = pending.readUInt32BE(0);
      complete.push(pending.subarray(0, length));
      pending = pending.subarray(length);
    }
  });
  return complete;
}

/** Reads submit_sm's mandatory parameters from its bytes, independently of the smpp package. */
export function readSubmitSm(bytes: Buffer): RawSubmitSm {
  let offset = 16;
  const cString = (): string => {
    const end = bytes.indexOf(0, offset);
    const value = bytes.toString('ascii', offset, end);
    offset = end + 1;
    return value;
  };
  const octet = (): number => {
    const value = bytes.readUInt8(offset);
    offset += 1;
    return value;
  };
  const serviceType = cString();
  const sourceAddrTon = octet();
  const sourceAddrNpi = octet();
  const sourceAddr = cString();
  const destAddrTon = octet();
  const destAddrNpi = octet();
  const destinationAddr = cString();
  const esmClass = octet();
  const protocolId = octet();
  const priorityFlag = octet();
  const scheduleDeliveryTime = cString();
  const validityPeriod = cString();
  const registeredDelivery = octet();
  const replaceIfPresentFlag = octet();
  const dataCoding = octet();
  const smDefaultMsgId = octet();
  const smLength = octet();
  const shortMessage = bytes.subarray(offset, offset + smLength);
  return {
    serviceType,
    sourceAddrTon,
    sourceAddrNpi,
    sourceAddr,
    destAddrTon,
    destAddrNpi,
    destinationAddr,
    esmClass,
    protocolId,
    priorityFlag,
    scheduleDeliveryTime,
    validityPeriod,
    registeredDelivery,
    replaceIfPresentFlag,
    dataCoding,
    smDefaultMsgId,
    shortMessage,
  };
}
