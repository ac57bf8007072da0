/** An error answer of the admin API, as problem details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

/** Calls the admin API; resolves with the JSON body, rejects with ApiError on an error answer. */
export interface AdminClient {
  request: (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) => Promise<unknown>;
}

interface ProblemBody {
  code?: unknown;
  title?: unknown;
  detail?: unknown;
  errors?: unknown;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

// Field errors matter most on a 400: put them in the message the user sees.
function describe(status: number, body: ProblemBody): string {
  const main = text(body.detail) || text(body.title) || `HTTP ${status}`;
  const fields = Array.isArray(body.errors)
    ? body.errors.map((e: { field?: unknown; message?: unknown }) => `${text(e.field)}: ${text(e.message)}`)
    : [];
  return [main, ...fields].join('\n  ');
}

/** An admin client over HTTP with the admin bearer token. */
export function httpAdminClient(options: {
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
}): AdminClient {
  const call = options.fetch ?? fetch;
  return {
    async request(method, path, body) {
      const url = new URL(`/v1/admin${path}`, options.baseUrl);
      let response: Response;
      try {
        response = await call(url, {
          method,
          headers: {
            Authorization: `Bearer ${options.token}`,
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (error) {
        const reason =
          error instanceof Error
            ? error.cause instanceof Error
              ? error.cause.message
              : error.message
            : String(error);
        throw new ApiError(
          0,
          'unreachable',
          `cannot reach Herald at ${options.baseUrl} (${reason}); is it running? (HERALD_URL)`,
        );
      }
      const parsed: unknown = await response.json().catch(() => ({}));
      if (!response.ok) {
        const problem = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as ProblemBody;
        throw new ApiError(
          response.status,
          text(problem.code) || 'http_error',
          describe(response.status, problem),
        );
      }
      return parsed;
    },
  };
}
