import type { Context } from 'hono';
import type { z } from 'zod';
import { Problem } from './problems.js';
import { fieldErrors } from './schemas.js';

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
    return JSON.parse(await c.req.text()) as unknown;
  } catch {
    throw new Problem(400, 'malformed_json', 'Malformed JSON', 'The request body is not valid JSON.');
  }
}

/** The 400 for a value that does not match its schema. */
export function invalid(what: string, error: z.ZodError): Problem {
  return new Problem(400, 'validation_failed', `The ${what} is invalid`, undefined, fieldErrors(error));
}

/** Reads and validates a JSON body. */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const parsed = schema.safeParse(await readJson(c));
  if (!parsed.success) throw invalid('request body', parsed.error);
  return parsed.data;
}

/** Validates the query string (each parameter once; unknown parameters are refused). */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw invalid('query', parsed.error);
  return parsed.data;
}
