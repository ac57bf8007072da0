import { Problem } from '../problems.js';

const REALM = 'Bearer realm="herald"';

/** 401 with a `WWW-Authenticate` challenge (RFC 6750); `invalid` adds error="invalid_token". */
export function unauthenticated(detail: string, invalid = false): Problem {
  const challenge = invalid ? `${REALM}, error="invalid_token"` : REALM;
  return new Problem(401, 'unauthenticated', 'Authentication required', detail, undefined, {
    'WWW-Authenticate': challenge,
  });
}

/** 403 for a tenant an administrator suspended. */
export function tenantSuspended(tenantId: string): Problem {
  return new Problem(
    403,
    'tenant_suspended',
    'Tenant suspended',
    `The account ${tenantId} is suspended; contact the operator of this Herald.`,
  );
}
