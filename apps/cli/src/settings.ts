import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './command.js';

/** Where the development secrets of `npm start` are kept. */
export const DEV_SECRETS_FILE = join(import.meta.dirname, '..', '..', '..', '.herald', 'dev-secrets.json');

/** Where the CLI sends requests and with which admin token. */
export interface CliSettings {
  baseUrl: string;
  token: string;
}

function devAdminToken(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const secrets: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const token =
    typeof secrets === 'object' && secrets !== null
      ? (secrets as { adminToken?: unknown }).adminToken
      : undefined;
  return typeof token === 'string' ? token : undefined;
}

/**
 * HERALD_URL (default http://127.0.0.1:8080) and HERALD_ADMIN_TOKEN; outside production the token
 * falls back to the one `npm start` generated in .herald/dev-secrets.json.
 */
export function cliSettings(env: NodeJS.ProcessEnv, secretsFile = DEV_SECRETS_FILE): CliSettings {
  const token =
    env.HERALD_ADMIN_TOKEN ?? (env.NODE_ENV === 'production' ? undefined : devAdminToken(secretsFile));
  if (!token)
    throw new UsageError('no admin token: set HERALD_ADMIN_TOKEN (or run `npm start` once in development)');
  return { baseUrl: env.HERALD_URL ?? 'http://127.0.0.1:8080', token };
}
