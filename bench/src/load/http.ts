import { Pool } from 'undici';

/** What one generated request carries. */
export interface GeneratedRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** How a response counts: accepted, or an error with a reason for the report. */
export type ResponseVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Looks at one response (status and body text) and says whether it counts; it may also note what it
 * needs from the body, such as the accepted message ids.
 */
export type ResponseCheck = (status: number, body: string, index: number) => ResponseVerdict;

/** Accepts any 2xx response. */
export const anySuccess: ResponseCheck = (status) =>
  status >= 200 && status < 300 ? { ok: true } : { ok: false, reason: `HTTP ${status}` };

/**
 * A keep-alive connection pool to one origin: `connections` sockets, one request each at a time
 * (no pipelining, as browsers and most HTTP clients do), so the server sees steady connections.
 */
export function connectionPool(origin: string, connections: number): Pool {
  return new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });
}

/** Sends one request and reads its body; a transport failure becomes status 0 with the message. */
export async function send(pool: Pool, request: GeneratedRequest): Promise<{ status: number; body: string }> {
  try {
    const response = await pool.request({
      method: request.method,
      path: request.path,
      headers: request.headers,
      body: request.body,
    });
    return { status: response.statusCode, body: await response.body.text() };
  } catch (error) {
    return { status: 0, body: error instanceof Error ? error.message : String(error) };
  }
}
