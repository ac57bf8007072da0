/** A credential presented by a client, told apart by its shape. */
export type Credential = { kind: 'jwt'; token: string } | { kind: 'api_key'; key: string };

// A compact JWS: three base64url parts separated by dots. API keys never contain a dot.
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** True when a bearer value has the shape of a JWT (three base64url parts). */
export function looksLikeJwt(value: string): boolean {
  return JWT_SHAPE.test(value);
}

/** The value of an `Authorization: Bearer <value>` header, or null for any other form. */
export function bearerValue(authorization: string | undefined): string | null {
  return authorization?.match(/^Bearer[ \t]+(\S+)[ \t]*$/i)?.[1] ?? null;
}

/**
 * The tenant credential of a request: the bearer value (a JWT when it has that shape, an API key
 * otherwise), or an `X-API-Key` header when there is no Authorization header at all.
 */
export function readCredential(
  authorization: string | undefined,
  apiKeyHeader: string | undefined,
): Credential | null {
  if (authorization === undefined) return apiKeyHeader ? { kind: 'api_key', key: apiKeyHeader } : null;
  const value = bearerValue(authorization);
  if (value === null) return null;
  return looksLikeJwt(value) ? { kind: 'jwt', token: value } : { kind: 'api_key', key: value };
}
