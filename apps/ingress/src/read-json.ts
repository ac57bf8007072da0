import type { Context } from 'hono';
import { Problem } from './problems.js';

/** Reads a JSON body, answering 415 for another media type and 400 for malformed JSON. */
export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new Problem(
      415,
      'unsupported_media_type',
      'Unsupported media type',
      'Send the body as application/json.',
    );
  }
  try {
    return await c.req.json();
  } catch {
    throw new Problem(400, 'malformed_json', 'Malformed JSON', 'The request body is not valid JSON.');
  }
}
