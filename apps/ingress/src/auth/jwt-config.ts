import { createPublicKey } from 'node:crypto';
import { z } from '@herald/config';
import type { JwtOptions } from './jwt.js';

// Environment variables often carry PEM with literal "\n"; accept both forms.
const pem = (value: string) => value.replace(/\\n/g, '\n');

function isRsaPublicKey(value: string): boolean {
  try {
    return createPublicKey(pem(value)).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
}

/** Environment variables of tenant JWT verification (all optional: JWTs are off without a key). */
export const jwtConfigShape = {
  HERALD_JWT_HS256_SECRET: z.string().min(32, 'at least 32 characters (256 bits)').optional(),
  HERALD_JWT_RS256_PUBLIC_KEY: z
    .string()
    .refine(isRsaPublicKey, 'expected an RSA public key in PEM (SPKI, "BEGIN PUBLIC KEY")')
    .optional(),
  HERALD_JWT_ISSUER: z.string().min(1).optional(),
  HERALD_JWT_AUDIENCE: z.string().min(1).optional(),
};

type JwtConfig = z.infer<z.ZodObject<typeof jwtConfigShape>>;

/** Cross-field rules: a configured key needs both the issuer and the audience it checks. */
export function jwtConfigIssues(config: JwtConfig): string[] {
  if (!config.HERALD_JWT_HS256_SECRET && !config.HERALD_JWT_RS256_PUBLIC_KEY) return [];
  return (['HERALD_JWT_ISSUER', 'HERALD_JWT_AUDIENCE'] as const)
    .filter((name) => !config[name])
    .map(
      (name) =>
        `${name}: required when a JWT key (HERALD_JWT_HS256_SECRET or HERALD_JWT_RS256_PUBLIC_KEY) is set`,
    );
}

/** JWT verification options from validated configuration, or null when JWTs are not enabled. */
export function jwtOptionsFromConfig(config: JwtConfig): JwtOptions | null {
  const { HERALD_JWT_HS256_SECRET: secret, HERALD_JWT_RS256_PUBLIC_KEY: publicKey } = config;
  if (!secret && !publicKey) return null;
  if (!config.HERALD_JWT_ISSUER || !config.HERALD_JWT_AUDIENCE)
    throw new Error('HERALD_JWT_ISSUER and HERALD_JWT_AUDIENCE are required with a JWT key');
  return {
    hs256Secret: secret ?? null,
    rs256PublicKey: publicKey ? createPublicKey(pem(publicKey)) : null,
    issuer: config.HERALD_JWT_ISSUER,
    audience: config.HERALD_JWT_AUDIENCE,
  };
}
