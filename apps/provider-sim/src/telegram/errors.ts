import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Bot API `ResponseParameters`: why and for how long a request was refused. */
export interface ResponseParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

/** The body the Bot API answers with when a request fails. */
export interface BotApiErrorBody {
  ok: false;
  error_code: number;
  description: string;
  parameters?: ResponseParameters;
}

/** A protocol error carrying the Bot API's exact response; the app's error handler returns it as is. */
export function botApiError(
  status: ContentfulStatusCode,
  description: string,
  parameters?: ResponseParameters,
) {
  const body: BotApiErrorBody = {
    ok: false,
    error_code: status,
    description,
    ...(parameters === undefined ? {} : { parameters }),
  };
  return new HTTPException(status, { res: Response.json(body, { status }), message: description });
}
