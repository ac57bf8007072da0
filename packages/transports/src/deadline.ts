import type { SendResult } from './transport.js';

/** Why a request's signal fired, so a failure can be reported as the right code. */
export type AbortCause = 'timeout' | 'aborted';

/** One request's abort signal: fires on the transport's timeout or on the caller's signal. */
export interface Deadline {
  readonly signal: AbortSignal;
  cause(): AbortCause | null;
  dispose(): void;
}

/**
 * Combines a per-request timeout with an optional caller signal. A plain timer (not
 * AbortSignal.timeout) so the timer is cleared as soon as the response is in.
 */
export function startDeadline(timeoutMs: number, callerSignal?: AbortSignal): Deadline {
  const controller = new AbortController();
  let cause: AbortCause | null = null;
  const abort = (why: AbortCause): void => {
    if (cause !== null) return;
    cause = why;
    controller.abort(new Error(why === 'timeout' ? `timed out after ${timeoutMs} ms` : 'aborted by caller'));
  };
  const onCallerAbort = (): void => abort('aborted');
  const timer = setTimeout(() => abort('timeout'), timeoutMs);
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    cause: () => cause,
    dispose: () => {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/**
 * Turns anything thrown while talking to a provider into a retryable failure value. The provider
 * may or may not have accepted the message, so a retry can duplicate it: at-least-once by design.
 */
export function failureFromThrown(error: unknown, deadline: Deadline, timeoutMs: number): SendResult {
  const cause = deadline.cause();
  if (cause === 'timeout') {
    return {
      ok: false,
      retryable: true,
      errorCode: 'timeout',
      errorMessage: `no response within ${timeoutMs} ms`,
    };
  }
  if (cause === 'aborted') {
    return { ok: false, retryable: true, errorCode: 'aborted', errorMessage: 'request aborted by caller' };
  }
  return { ok: false, retryable: true, errorCode: 'network_error', errorMessage: describeError(error) };
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = 'code' in error && typeof error.code === 'string' ? `${error.code}: ` : '';
  // undici wraps socket errors; the cause carries the useful part (ECONNREFUSED ...).
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${code}${error.message}${cause}`;
}
