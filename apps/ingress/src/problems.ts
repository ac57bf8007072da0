import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Stable codes of every HTTP error Herald answers; clients switch on these, never on text. */
export type ProblemCode =
  | 'validation_failed'
  | 'malformed_json'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'unauthenticated'
  | 'forbidden'
  | 'tenant_suspended'
  | 'admin_disabled'
  | 'tenant_exists'
  | 'rate_limited'
  | 'not_found'
  | 'insufficient_credits'
  | 'recipient_opted_out'
  | 'idempotency_key_reused'
  | 'idempotency_in_progress'
  | 'message_not_cancellable'
  | 'signature_missing'
  | 'signature_invalid'
  | 'webhook_verification_failed'
  | 'unknown_provider'
  | 'kafka_unavailable'
  | 'shutting_down'
  | 'dlq_not_replayable'
  | 'webhook_url_not_allowed'
  | 'webhook_url_unresolvable'
  | 'webhook_endpoint_disabled'
  | 'internal_error';

/** A field-level validation error. */
export interface FieldError {
  field: string;
  message: string;
}

/** An RFC 9457 problem the API answers with; thrown anywhere, rendered in one place. */
export class Problem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ProblemCode,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
    this.name = 'Problem';
  }
}

const PROBLEM_BASE = 'https://herald.dev/problems/';

/** Renders a problem as `application/problem+json`. */
export function renderProblem(c: Context, problem: Problem): Response {
  const body = {
    type: `${PROBLEM_BASE}${problem.code}`,
    title: problem.title,
    status: problem.status,
    code: problem.code,
    ...(problem.detail ? { detail: problem.detail } : {}),
    ...(problem.errors ? { errors: problem.errors } : {}),
    instance: c.req.path,
    request_id: c.get('requestId'),
  };
  for (const [name, value] of Object.entries(problem.headers ?? {})) c.header(name, value);
  return c.body(JSON.stringify(body), problem.status, { 'Content-Type': 'application/problem+json' });
}

/** Maps anything thrown to a problem; unknown errors become a 500 without internals in the body. */
export function toProblem(error: unknown): Problem {
  if (error instanceof Problem) return error;
  if (error instanceof HTTPException) {
    if (error.status === 413)
      return new Problem(413, 'payload_too_large', 'Payload too large', error.message);
    return new Problem(
      error.status,
      error.status === 401 ? 'unauthenticated' : 'validation_failed',
      error.message || 'Bad request',
    );
  }
  return new Problem(
    500,
    'internal_error',
    'Internal server error',
    'The error was logged with this request id.',
  );
}
