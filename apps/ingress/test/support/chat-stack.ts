import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { repoRoot, requireServices, startStack, waitFor } from '@herald/testkit';
import type { TestStack } from '@herald/testkit';

/** The development credentials the simulator and config/providers.dev.json share. */
export const DEV_WHATSAPP = {
  appSecret: 'dev-whatsapp-app-secret',
  verifyToken: 'dev-whatsapp-verify-token',
  phoneNumberId: '106540352242922',
} as const;
export const DEV_TELEGRAM_SECRET = 'dev-telegram-secret-token';

/**
 * A whole Herald whose providers are the development file's WhatsApp and Telegram entries, pointed
 * at this stack's simulator: the simulator's port is only known inside startStack, which passes it
 * to every app as HERALD_TWILIO_BASE_URL, so the entries' base URLs are rewritten to use that.
 */
export async function startChatStack(simulatorEnv: Record<string, string> = {}): Promise<TestStack> {
  const dev = JSON.parse(readFileSync(join(repoRoot, 'config', 'providers.dev.json'), 'utf8')) as {
    providers: { kind: string; options: Record<string, unknown> }[];
  };
  const providers = dev.providers
    .filter((p) => p.kind === 'whatsapp-cloud' || p.kind === 'telegram')
    .map((p) => ({ ...p, options: { ...p.options, baseUrl: '${HERALD_TWILIO_BASE_URL}' } }));
  if (providers.length !== 2)
    throw new Error('config/providers.dev.json lacks its WhatsApp or Telegram provider');
  const file = join(mkdtempSync(join(tmpdir(), 'herald-chat-')), 'providers.json');
  writeFileSync(file, JSON.stringify({ providers }, null, 2));
  // No SMPP provider here, so the simulator's SMPP server (a fixed port by default) stays off.
  return startStack(await requireServices(), {
    env: { HERALD_PROVIDERS_FILE: file },
    simulatorEnv: { SIM_SMPP_PORT: '0', ...simulatorEnv },
  });
}

/** The message resource fields these tests read. */
export interface MessageJson {
  id: string;
  status: string;
  provider_id: string | null;
  provider_message_id: string | null;
  error: { code: string; message: string } | null;
  status_times: Record<string, string>;
}

/** Sends one message as the demo tenant; returns the HTTP status and body. */
export async function sendMessage(
  stack: TestStack,
  body: unknown,
): Promise<{ status: number; json: MessageJson }> {
  const response = await fetch(`${stack.baseUrl}/v1/messages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${stack.apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as MessageJson };
}

/** Waits until the message's status satisfies `wanted`; returns the message. */
export function untilStatus(stack: TestStack, id: string, wanted: (status: string) => boolean, what: string) {
  return waitFor(`message ${id} to be ${what}`, async () => {
    const response = await fetch(`${stack.baseUrl}/v1/messages/${id}`, {
      headers: { Authorization: `Bearer ${stack.apiKey}` },
    });
    if (response.status !== 200) return undefined;
    const json = (await response.json()) as MessageJson;
    return wanted(json.status) ? json : undefined;
  });
}

/** Runs one query against the stack's database. */
export async function query<T extends pg.QueryResultRow>(
  stack: TestStack,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** A one-status webhook in Meta's shape, signed as Meta signs it (computed here with node:crypto). */
export function signedStatusWebhook(
  wamid: string,
  status: string,
  extra: Record<string, unknown> = {},
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000003', phone_number_id: DEV_WHATSAPP.phoneNumberId },
              statuses: [
                {
                  id: wamid,
                  status,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  recipient_id: '15558675310',
                  ...extra,
                },
              ],
            },
          },
        ],
      },
    ],
  });
  const signature = `sha256=${createHmac('sha256', DEV_WHATSAPP.appSecret).update(body, 'utf8').digest('hex')}`;
  return { body, headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signature } };
}

/** POSTs a signed webhook to the stack's ingress; returns the HTTP status. */
export async function postWebhook(
  stack: TestStack,
  webhook: { body: string; headers: Record<string, string> },
) {
  const response = await fetch(`${stack.baseUrl}/providers/whatsapp/webhook`, {
    method: 'POST',
    headers: webhook.headers,
    body: webhook.body,
  });
  await response.arrayBuffer();
  return response.status;
}
