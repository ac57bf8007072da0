import { randomBytes } from 'node:crypto';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Graph's error body, as the Cloud API answers a failed request. */
export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: { messaging_product: 'whatsapp'; details: string };
    fbtrace_id: string;
  };
}

/** What one Graph error says; `type` defaults to OAuthException, as most Cloud API errors carry. */
export interface GraphErrorSpec {
  code: number;
  message: string;
  type?: string;
  subcode?: number;
  details?: string;
}

/** The JSON body Graph answers with when a request fails; fbtrace_id is random, as Meta's is. */
export function graphErrorBody(spec: GraphErrorSpec): GraphErrorBody {
  return {
    error: {
      message: spec.message,
      type: spec.type ?? 'OAuthException',
      code: spec.code,
      ...(spec.subcode === undefined ? {} : { error_subcode: spec.subcode }),
      ...(spec.details === undefined
        ? {}
        : { error_data: { messaging_product: 'whatsapp', details: spec.details } }),
      fbtrace_id: randomBytes(12).toString('base64url'),
    },
  };
}

/** A protocol error carrying Graph's exact response; the app's error handler returns it as is. */
export function graphError(
  status: ContentfulStatusCode,
  spec: GraphErrorSpec,
  headers: Record<string, string> = {},
) {
  const res = Response.json(graphErrorBody(spec), { status, headers });
  return new HTTPException(status, { res, message: spec.message });
}
