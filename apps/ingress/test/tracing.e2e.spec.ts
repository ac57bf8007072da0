// One trace id follows a message from the client's request through every Herald process, as each
// process's own JSON log shows it at debug level; info level never shows the body or the API key.
import { randomBytes, randomUUID } from 'node:crypto';
import anyTest from 'ava';
import type { TestFn } from 'ava';
import { requireServices, startStack, waitFor } from '@herald/testkit';
import type { TestStack } from '@herald/testkit';

const test = anyTest.serial as TestFn<{ stack: TestStack }>;

const APPS = ['ingress', 'router', 'sender', 'projector'] as const;

test.before(async (t) => {
  t.context.stack = await startStack(await requireServices(), { env: { HERALD_LOG_LEVEL: 'debug' } });
});

test.after.always(async (t) => {
  await t.context.stack?.stop();
});

/** One line of an app's log: JSON when the app wrote it (pino), raw otherwise. */
interface LogLine {
  level?: number;
  msg?: string;
  messageId?: string;
  requestId?: string;
  tenantId?: string;
  eventType?: string;
  outcome?: string[];
  trace_id?: string;
  span_id?: string;
  raw: string;
}

function linesOf(stack: TestStack, app: string): LogLine[] {
  const output = stack.apps.get(app)?.output() ?? '';
  return output
    .split('\n')
    .filter((raw) => raw.trim() !== '')
    .map((raw) => {
      try {
        return { ...(JSON.parse(raw) as Omit<LogLine, 'raw'>), raw };
      } catch {
        return { raw };
      }
    });
}

/** Waits for the first line of `app` about the message that `match` accepts. */
const lineAbout = (stack: TestStack, app: string, messageId: string, match: (line: LogLine) => boolean) =>
  waitFor(`a ${app} line about ${messageId}`, () =>
    linesOf(stack, app).find((line) => line.messageId === messageId && match(line)),
  );

test('the client trace id is on every stage of the message, each stage its own span', async (t) => {
  const { stack } = t.context;
  const clientTrace = randomBytes(16).toString('hex');
  const clientSpan = randomBytes(8).toString('hex');
  const text = `Trace check ${randomUUID()}`;
  const response = await fetch(`${stack.baseUrl}/v1/messages`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${stack.apiKey}`,
      'Content-Type': 'application/json',
      traceparent: `00-${clientTrace}-${clientSpan}-01`,
    },
    body: JSON.stringify({ channel: 'sms', to: '+14155550142', text }),
  });
  t.is(response.status, 202);
  const { id } = (await response.json()) as { id: string };
  await waitFor(`message ${id} delivered`, async () => {
    const status = await fetch(`${stack.baseUrl}/v1/messages/${id}`, {
      headers: { Authorization: `Bearer ${stack.apiKey}` },
    });
    return status.ok && ((await status.json()) as { status: string }).status === 'delivered';
  });

  const accepted = await lineAbout(stack, 'ingress', id, (line) => line.msg === 'message accepted');
  const routed = await lineAbout(stack, 'router', id, (line) => line.msg === 'message routed');
  const attempt = await lineAbout(
    stack,
    'sender',
    id,
    (line) => line.msg === 'send attempt' && line.outcome?.includes('MessageSent') === true,
  );
  const projected = (eventType: string) =>
    lineAbout(
      stack,
      'projector',
      id,
      (line) => line.msg === 'event projected' && line.eventType === eventType,
    );
  const projectedAccepted = await projected('MessageAccepted');
  const projectedRouted = await projected('MessageRouted');
  const projectedSent = await projected('MessageSent');

  for (const line of [accepted, routed, attempt, projectedAccepted, projectedRouted, projectedSent]) {
    t.is(line.trace_id, clientTrace, line.raw);
    t.is(line.tenantId, 'demo', line.raw);
  }
  t.truthy(accepted.requestId, 'the ingress line names the request');
  t.is(projectedAccepted.requestId, accepted.requestId, 'the request id travels in the record headers');

  // Each process continued the trace in a span of its own, and the records it produced carry that
  // span: the projector sees each event's producer span as the record's parent.
  const spans = [accepted.span_id, routed.span_id, attempt.span_id];
  t.is(new Set([clientSpan, ...spans]).size, 4, `distinct spans: ${spans.join(', ')}`);
  t.is(projectedAccepted.span_id, accepted.span_id);
  t.is(projectedRouted.span_id, routed.span_id);
  t.is(projectedSent.span_id, attempt.span_id);

  // Every router and sender line about the message is in its trace (the provider's own status
  // callback is a request of its own and starts another, so ingress and projector are not held to it).
  for (const app of ['router', 'sender'])
    for (const line of linesOf(stack, app).filter((each) => each.messageId === id))
      t.is(line.trace_id, clientTrace, `${app}: ${line.raw}`);

  // Info level and above: never the body, never the API key.
  for (const app of APPS) {
    const lines = linesOf(stack, app);
    const loud = lines.filter((line) => line.level === undefined || line.level >= 30);
    t.true(
      loud.some((line) => line.level === 30),
      `${app} wrote info lines`,
    );
    for (const line of loud) {
      t.false(line.raw.includes(text), `${app} logged the body: ${line.raw}`);
      t.false(line.raw.includes(stack.apiKey), `${app} logged the API key: ${line.raw}`);
    }
  }
});
