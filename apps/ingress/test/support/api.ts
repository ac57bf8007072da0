import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { requireServices, startStack, waitFor } from '@herald/testkit';
import type { TestStack } from '@herald/testkit';

/** Admin token of the stacks these tests start. */
export const ADMIN_TOKEN = `hadm_${randomBytes(24).toString('base64url')}`;

/** An HTTP answer with its JSON body (or null when it has none). */
export interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown> & { code?: string; id?: string; status?: string };
}

/** Calls the API; `key` defaults to the demo tenant's, null sends no credential. */
export async function call(
  stack: TestStack,
  method: string,
  path: string,
  options: { body?: unknown; key?: string | null; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const key = options.key === undefined ? stack.apiKey : options.key;
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: {
      ...(key === null ? {} : { Authorization: `Bearer ${key}` }),
      ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: text ? (JSON.parse(text) as Answer['json']) : {},
  };
}

/** Adds credits to a tenant through the admin API. */
export async function addCredits(stack: TestStack, tenantId: string, amount: string): Promise<void> {
  const answer = await call(stack, 'POST', `/v1/admin/tenants/${tenantId}/credits`, {
    key: ADMIN_TOKEN,
    body: { amount },
  });
  if (answer.status !== 201)
    throw new Error(`adding credits answered ${answer.status}: ${JSON.stringify(answer.json)}`);
}

/** Creates a tenant with an API key (and credits when given); returns the key. */
export async function createTenant(stack: TestStack, id: string, credits?: string): Promise<string> {
  const created = await call(stack, 'POST', '/v1/admin/tenants', {
    key: ADMIN_TOKEN,
    body: { id, name: id },
  });
  if (created.status !== 201) throw new Error(`creating ${id} answered ${created.status}`);
  const issued = await call(stack, 'POST', `/v1/admin/tenants/${id}/keys`, { key: ADMIN_TOKEN, body: {} });
  const key = issued.json.key;
  if (typeof key !== 'string') throw new Error(`issuing a key answered ${issued.status}`);
  if (credits) await addCredits(stack, id, credits);
  return key;
}

/**
 * A whole Herald with an admin token, a rate limit no test reaches, and credits for the demo tenant
 * (an SMS part costs 0.01 credit with the default prices).
 */
export async function startApiStack(env: Record<string, string> = {}): Promise<TestStack> {
  const stack = await startStack(await requireServices(), {
    env: {
      HERALD_ADMIN_TOKEN: ADMIN_TOKEN,
      HERALD_RATE_LIMIT_PER_SECOND: '10000',
      HERALD_RATE_LIMIT_BURST: '10000',
      ...env,
    },
  });
  try {
    await addCredits(stack, 'demo', '100000');
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
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

/** Waits until the message's status satisfies `wanted`; returns the message. */
export function untilStatus(
  stack: TestStack,
  id: string,
  wanted: (status: string) => boolean,
  options: { key?: string; timeoutMs?: number } = {},
): Promise<Answer['json']> {
  return waitFor(
    `message ${id} to reach the wanted status`,
    async () => {
      const { status, json } = await call(stack, 'GET', `/v1/messages/${id}`, { key: options.key });
      return status === 200 && typeof json.status === 'string' && wanted(json.status) ? json : undefined;
    },
    { timeoutMs: options.timeoutMs ?? 30000 },
  );
}

/** An E.164 number unique to a test run, so tests sharing a stack never see each other's messages. */
export function uniqueNumber(): string {
  return `+1415${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
}

/** Terminal statuses. */
export const TERMINAL = new Set(['delivered', 'read', 'undelivered', 'failed', 'cancelled', 'expired']);
