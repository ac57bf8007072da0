/** The Confluent-compatible media type the ccompat API speaks. */
export const CCOMPAT_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
}

/** One request to the registry with a hard timeout; the body is parsed as JSON when it is JSON. */
export async function requestJson(
  url: string,
  init: { method?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<JsonResponse> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { Accept: CCOMPAT_CONTENT_TYPE, 'Content-Type': CCOMPAT_CONTENT_TYPE },
    body: init.body === undefined ? null : JSON.stringify(init.body),
    signal: AbortSignal.timeout(init.timeoutMs ?? 5_000),
  });
  const text = await response.text();
  return { status: response.status, body: parseJson(text) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Reads a string field of a JSON object, if there is one. */
export function stringField(body: unknown, field: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value: unknown = (body as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}
