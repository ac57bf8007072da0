import type { SmppPdu, SmppSession } from '@herald/transports';
import { credentialsMatch } from './account.js';
import { STATUS } from './command-status.js';
import type { BindMode, SmppContext } from './context.js';
import { answerSubmitSm } from './submit-sm.js';

/** Serves one ESME connection: bind, submit_sm, enquire_link and unbind. */
export function serveSession(session: SmppSession, context: SmppContext): void {
  let outstanding = 0;
  session.on('error', (error) => {
    context.logger.warn({ error: error.message }, 'smpp session error');
    session.destroy();
  });
  session.on('close', () => {
    if (context.sessions.remove(session)) context.stats.sessionEnded();
  });
  session.on('pdu', (pdu) => {
    if (pdu.isResponse()) return;
    if (pdu.command !== 'submit_sm') return answerControl(session, pdu, context);
    const bound = context.sessions.get(session);
    if (bound === undefined || bound.mode === 'receiver') {
      session.send(pdu.response({ command_status: STATUS.RINVBNDSTS }));
      return;
    }
    outstanding += 1;
    context.stats.submitSmReceived(outstanding);
    void answerSubmitSm(pdu, { session, systemId: bound.systemId }, context).then((response) => {
      outstanding -= 1;
      session.send(response);
    });
  });
}

function answerControl(session: SmppSession, pdu: SmppPdu, context: SmppContext): void {
  switch (pdu.command) {
    case 'bind_transceiver':
      return bind(session, pdu, 'transceiver', context);
    case 'bind_transmitter':
      return bind(session, pdu, 'transmitter', context);
    case 'bind_receiver':
      return bind(session, pdu, 'receiver', context);
    case 'enquire_link':
      context.stats.enquireLinkAnswered();
      session.send(pdu.response());
      return;
    case 'unbind':
      context.stats.unbindReceived();
      // Close once unbind_resp is on the wire; the ESME may close first, which is as good.
      session.send(pdu.response(), () => session.close());
      return;
    // Requests that have no response PDU at all.
    case 'alert_notification':
    case 'outbind':
      return;
    default:
      // generic_nack for unknown commands, the command's own response otherwise.
      session.send(pdu.response({ command_status: STATUS.RINVCMDID }));
  }
}

function bind(session: SmppSession, pdu: SmppPdu, mode: BindMode, context: SmppContext): void {
  const { stats, sessions } = context;
  if (sessions.get(session) !== undefined) {
    session.send(pdu.response({ command_status: STATUS.RALYBND }));
    return;
  }
  const refusal = context.isClosing()
    ? 'shutting_down'
    : credentialsMatch(context.account, pdu.system_id, pdu.password)
      ? null
      : 'bad_credentials';
  if (refusal !== null) {
    stats.bindRefused(refusal);
    session.send(pdu.response({ command_status: STATUS.RBINDFAIL }));
    return;
  }
  sessions.add(session, String(pdu.system_id), mode);
  stats.bindAccepted();
  session.send(pdu.response({ system_id: 'herald-sim' }));
}
