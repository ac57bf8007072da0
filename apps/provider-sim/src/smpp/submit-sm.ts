import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SmppPdu, SmppSession } from '@herald/transports';
import { assertNever } from '../assert-never.js';
import type { FinalStatus } from '../stats.js';
import { drawOutcome } from '../twilio/outcome.js';
import { STATUS, hex } from './command-status.js';
import type { SmppContext } from './context.js';
import type { MessageGroup } from './reassembly.js';
import type { AcceptedPart } from './receipt.js';
import { deliverReceipts } from './receipts.js';
import { readSubmitSm } from './submitted-part.js';
import type { SubmittedPart } from './submitted-part.js';

/** The session a submit_sm came from, and the system_id it bound with. */
export interface Origin {
  session: SmppSession;
  systemId: string;
}

// An international number without its +: what a valid destination looks like here.
const VALID_DESTINATION = /^[1-9]\d{6,14}$/;

/** Waits the simulated latency, then answers submit_sm_resp with a message_id or an error. */
export async function answerSubmitSm(pdu: SmppPdu, origin: Origin, context: SmppContext): Promise<SmppPdu> {
  const { latencyMs } = context.options;
  if (latencyMs > 0) await sleep(Math.round(latencyMs * (0.5 + context.jitter.next())));
  const fields = submit(readSubmitSm(pdu), origin, context);
  return pdu.response(fields);
}

function submit(part: SubmittedPart, origin: Origin, context: SmppContext): Record<string, unknown> {
  const { stats } = context;
  if (context.isClosing()) return refuse(context, STATUS.RSYSERR, 'shutting_down');
  if (!VALID_DESTINATION.test(part.destinationAddr))
    return refuse(context, STATUS.RINVDSTADR, `smpp_${hex(STATUS.RINVDSTADR)}`);
  // Later parts of a message whose first part was accepted share its fate; anything else draws one.
  const group = part.concatenation === null ? undefined : context.reassembly.find(origin.systemId, part);
  if (group !== undefined) return accept(part, group.finalStatus, origin, context, group);
  const outcome = drawOutcome(context.outcomes, context.options);
  switch (outcome.kind) {
    case 'temporary_failure':
      return refuse(context, STATUS.RTHROTTLED, `injected_${hex(STATUS.RTHROTTLED)}`);
    case 'permanent_failure':
      return refuse(context, STATUS.RINVDSTADR, `injected_${hex(STATUS.RINVDSTADR)}`);
    case 'accepted': {
      stats.messageAccepted();
      const opened =
        part.concatenation === null
          ? null
          : context.reassembly.open(origin.systemId, part, part.concatenation.total, outcome.finalStatus);
      return accept(part, outcome.finalStatus, origin, context, opened);
    }
    default:
      return assertNever(outcome);
  }
}

/** Gives the part an id; once its message is complete, schedules the receipts. */
function accept(
  part: SubmittedPart,
  finalStatus: FinalStatus,
  origin: Origin,
  context: SmppContext,
  group: MessageGroup | null,
): Record<string, unknown> {
  // Ids are random, not seeded: two runs with one seed must not reuse provider ids.
  const accepted: AcceptedPart = {
    messageId: randomBytes(8).toString('hex'),
    part,
    submittedAt: context.options.clock(),
  };
  if (group === null || part.concatenation === null) {
    complete([accepted], finalStatus, origin, context);
  } else if (context.reassembly.add(origin.systemId, group, part.concatenation.sequence, accepted)) {
    context.stats.messageReassembled();
    const parts = [...group.parts.entries()].sort(([a], [b]) => a - b).map(([, each]) => each);
    complete(parts, finalStatus, origin, context);
  }
  return { message_id: accepted.messageId };
}

function complete(
  parts: AcceptedPart[],
  finalStatus: FinalStatus,
  origin: Origin,
  context: SmppContext,
): void {
  const [first] = parts;
  if (first === undefined) return;
  context.received.record({
    from: first.part.sourceAddr,
    to: first.part.destinationAddr,
    text: parts.map((each) => each.part.text).join(''),
    parts: parts.length,
  });
  context.scheduler.track(deliverReceipts(parts, finalStatus, origin, context));
}

function refuse(context: SmppContext, status: number, reason: string): Record<string, unknown> {
  context.stats.messageRejected(reason);
  return { command_status: status };
}
