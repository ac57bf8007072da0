import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Twilio's documented error body. */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

/** The JSON body Twilio answers with when a request fails. */
export function twilioErrorBody(status: number, code: number, message: string): TwilioErrorBody {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** A protocol error carrying Twilio's exact response; the app's error handler returns it as is. */
export function twilioError(
  status: ContentfulStatusCode,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): HTTPException {
  const res = Response.json(twilioErrorBody(status, code, message), { status, headers });
  return new HTTPException(status, { res, message });
}
