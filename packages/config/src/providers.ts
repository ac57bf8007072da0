import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './errors.js';

const twilioOptions = z.strictObject({
  baseUrl: z.url(),
  accountSid: z.string().min(1),
  authToken: z.string().min(1),
  from: z.string().min(1).optional(),
  messagingServiceSid: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().default(10000),
});

const provider = z.discriminatedUnion('kind', [
  z.strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
    kind: z.literal('twilio'),
    channel: z.enum(['sms', 'whatsapp']),
    weight: z.number().min(0),
    options: twilioOptions,
  }),
]);

const file = z.strictObject({
  $comment: z.string().optional(),
  providers: z.array(provider).min(1),
});

/** One configured provider instance. */
export type ProviderConfig = z.infer<typeof provider>;

// `${VAR}` must be set; `${VAR:-default}` falls back. Substitution happens before validation so a
// missing credential is reported by name.
function substitute(text: string, env: Record<string, string | undefined>, missing: string[]): string {
  return text.replace(
    /\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g,
    (_, name: string, fallback: string | undefined) => {
      const value = env[name] ?? fallback;
      if (value === undefined) missing.push(name);
      return value ?? '';
    },
  );
}

/** Reads and validates a providers file; errors name the file and each bad key. */
export function loadProviders(
  path: string,
  env: Record<string, string | undefined> = process.env,
): ProviderConfig[] {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`HERALD_PROVIDERS_FILE: cannot read ${path}: ${String(error)}`]);
  }
  const missing: string[] = [];
  const json = substitute(raw, env, missing);
  if (missing.length > 0)
    throw new ConfigError(missing.map((name) => `${path}: environment variable ${name} is not set`));
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new ConfigError([`${path}: not valid JSON: ${String(error)}`]);
  }
  const result = file.safeParse(parsed);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${path}: ${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const ids = result.data.providers.map((p) => p.id);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate) throw new ConfigError([`${path}: provider id ${duplicate} is used twice`]);
  return result.data.providers;
}
