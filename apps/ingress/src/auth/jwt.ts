import type { KeyObject } from 'node:crypto';
import { errors, jwtVerify } from 'jose';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';

/** How tenant JWTs are verified; at least one key is set, issuer and audience always are. */
export interface JwtOptions {
  hs256Secret: string | null;
  rs256PublicKey: KeyObject | null;
  issuer: string;
  audience: string;
  /** Leeway for exp and nbf, for clocks that disagree a little. */
  clockToleranceSeconds?: number;
}

/** The outcome of verifying a token: the tenant it speaks for, or why it was refused. */
export type JwtOutcome = { ok: true; tenantId: string } | { ok: false; reason: string };

/** Verifies a compact JWT at a given time. */
export type JwtVerifier = (token: string, now: number) => Promise<JwtOutcome>;

const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;

function tenantClaim(payload: JWTPayload): string | null {
  const claim = payload.tenant_id ?? payload.sub;
  return typeof claim === 'string' && claim.length > 0 ? claim : null;
}

// jose's messages name the failed check ("exp" claim timestamp check failed, signature verification
// failed...); they say nothing about the keys, so they are safe and useful to return to the client.
function reason(error: unknown): string {
  if (error instanceof errors.JOSEError) return error.message;
  throw error;
}

/** Builds a verifier for HS256 and/or RS256 tokens; the algorithm in the header picks the key. */
export function createJwtVerifier(options: JwtOptions): JwtVerifier {
  const secret = options.hs256Secret === null ? null : new TextEncoder().encode(options.hs256Secret);
  const publicKey = options.rs256PublicKey;
  const algorithms = [...(secret ? ['HS256'] : []), ...(publicKey ? ['RS256'] : [])];
  // jose refuses any alg outside `algorithms` before asking for a key, so no HS256/RS256 confusion.
  const key: JWTVerifyGetKey = (header) => {
    if (header.alg === 'HS256' && secret) return secret;
    if (header.alg === 'RS256' && publicKey) return publicKey;
    throw new errors.JOSEAlgNotAllowed(`"alg" (Algorithm) Header Parameter value not allowed`);
  };
  return async function verifyJwt(token, now) {
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms,
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ['exp'],
        clockTolerance: options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(now),
      });
      const tenantId = tenantClaim(payload);
      return tenantId ? { ok: true, tenantId } : { ok: false, reason: 'no tenant_id or sub claim' };
    } catch (error) {
      return { ok: false, reason: reason(error) };
    }
  };
}
