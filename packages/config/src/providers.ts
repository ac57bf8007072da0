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

/**
 * WhatsApp Cloud API: the sending phone number's Graph id and access token for sends, and the Meta
 * app's secret (X-Hub-Signature-256) and verify token (hub.challenge) for its webhook.
 */
const whatsappCloudOptions = z.strictObject({
  baseUrl: z.url().default('https://graph.facebook.com'),
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/, 'a Graph API version such as v23.0')
    .default('v23.0'),
  phoneNumberId: z.string().regex(/^\d+$/, 'the numeric Graph id of the phone number'),
  accessToken: z.string().min(1),
  appSecret: z.string().min(1),
  verifyToken: z.string().min(1),
  timeoutMs: z.number().int().positive().default(10000),
});

/** Telegram Bot API: the bot's token for sends and the secret_token its webhook was set with. */
const telegramOptions = z.strictObject({
  baseUrl: z.url().default('https://api.telegram.org'),
  botToken: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, 'a bot token such as 123456789:AAbb-CC_dd'),
  webhookSecretToken: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, '1-256 of A-Z, a-z, 0-9, _ and -'),
  timeoutMs: z.number().int().positive().default(10000),
});

// A number, or digits from a `${VAR:-2775}` substitution (the file stays valid JSON either way).
const integerText = z.union([z.number(), z.string().regex(/^\d+$/, 'an integer').transform(Number)]);

/**
 * SMPP 3.4 over TCP: where the SMSC listens and how to bind (bind_transceiver). The password comes
 * from the environment. `window` bounds submit_sm awaiting their response.
 */
const smppOptions = z.strictObject({
  host: z.string().min(1),
  port: integerText.pipe(z.number().int().min(1).max(65535)),
  systemId: z.string().min(1).max(15),
  password: z.string().min(1),
  systemType: z.string().max(12).optional(),
  sourceAddr: z.string().min(1).max(20).optional(),
  window: integerText.pipe(z.number().int().min(1).max(1000)).default(10),
  enquireLinkMs: integerText.pipe(z.number().int().positive()).default(30000),
  timeoutMs: integerText.pipe(z.number().int().positive()).default(10000),
});

/**
 * Fields every provider instance has, whatever its kind: where it may be used (channel, optional
 * destination prefixes and tenants), its share of traffic and its rate limit.
 */
const base = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  weight: z.number().min(0),
  /** Messages per second this provider accepts; the sender never exceeds it (per sender instance). */
  mps: z.number().positive().optional(),
  /** E.164 prefixes (with or without +) this provider serves; all destinations when absent. */
  prefixes: z
    .array(z.string().regex(/^\+?\d{1,15}$/, 'digits, optionally after +'))
    .min(1)
    .optional(),
  /** Tenants this provider serves; every tenant when absent. */
  tenants: z.array(z.string().min(1)).min(1).optional(),
  /** This provider's circuit breaker thresholds, over the sender's defaults. */
  circuit: z
    .strictObject({
      consecutiveFailures: z.number().int().min(1).optional(),
      failureRate: z.number().gt(0).max(1).optional(),
      minimumCalls: z.number().int().min(1).optional(),
      windowSize: z.number().int().min(1).optional(),
      openMs: z.number().int().min(100).optional(),
      halfOpenTrials: z.number().int().min(1).optional(),
    })
    .optional(),
};

const provider = z.discriminatedUnion('kind', [
  z.strictObject({
    ...base,
    kind: z.literal('twilio'),
    channel: z.enum(['sms', 'whatsapp']),
    options: twilioOptions,
  }),
  z.strictObject({
    ...base,
    kind: z.literal('whatsapp-cloud'),
    channel: z.literal('whatsapp'),
    options: whatsappCloudOptions,
  }),
  z.strictObject({
    ...base,
    kind: z.literal('telegram'),
    channel: z.literal('telegram'),
    options: telegramOptions,
  }),
  z.strictObject({
    ...base,
    kind: z.literal('smpp'),
    channel: z.literal('sms'),
    options: smppOptions,
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
