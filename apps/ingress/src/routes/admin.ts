import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import {
  addCreditsEntry,
  createTenant,
  findTenant,
  issueApiKey,
  listApiKeys,
  listLedgerEntries,
  listTenants,
  readBalance,
  revokeApiKey,
  updateTenant,
} from '@herald/store';
import type { ApiKeyInfo, Pool, StoredLedgerEntry, Tenant } from '@herald/store';
import { adminAuth } from '../auth/admin-auth.js';
import { balanceResource, formatCredits, parseCredits } from '../credit-amounts.js';
import { Problem } from '../problems.js';
import { readJson } from '../read-json.js';
import { fieldErrors } from '../schemas.js';

/** What the admin API needs from the process. */
export interface AdminDeps {
  pool: Pool;
  /** The admin bearer token; undefined turns the admin API off (503). */
  adminToken: string | undefined;
  clock: () => number;
}

const slug = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'a slug: lowercase letters, digits and inner dashes');
const ratePerSecond = z.number().positive().max(1_000_000).describe('Requests per second (refill rate).');
const burst = z.number().int().min(1).max(1_000_000).describe('Bucket size: the largest burst.');
const name = z.string().trim().min(1).max(200);

/** Body of `POST /v1/admin/tenants`. */
export const createTenantBody = z.strictObject({
  id: slug.describe('Tenant id, a slug; it never changes.'),
  name,
  rate_per_second: ratePerSecond.nullish(),
  burst: burst.nullish(),
});

/** Body of `PATCH /v1/admin/tenants/:id`: null clears a rate limit override. */
export const patchTenantBody = z
  .strictObject({
    name: name.optional(),
    status: z.enum(['active', 'suspended']).optional(),
    rate_per_second: ratePerSecond.nullable().optional(),
    burst: burst.nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');

/** Body of `POST /v1/admin/tenants/:id/keys` (may be empty). */
export const issueKeyBody = z.strictObject({ name: z.string().trim().min(1).max(100).nullish() });

/** Body of `POST /v1/admin/tenants/:id/credits`: exactly one of amount_micros and amount. */
export const addCreditsBody = z
  .strictObject({
    amount_micros: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    amount: z
      .union([z.string(), z.number()])
      .optional()
      .describe('Credits as a decimal string or number, up to 6 decimals.'),
    reference: z.string().trim().min(1).max(200).nullish(),
  })
  .transform((body, ctx) => {
    if ((body.amount === undefined) === (body.amount_micros === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: 'give exactly one of amount and amount_micros',
      });
      return z.NEVER;
    }
    const micros = body.amount_micros ?? (body.amount === undefined ? null : parseCredits(body.amount));
    if (micros === null || micros <= 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: 'a positive number of credits, up to 6 decimals',
      });
      return z.NEVER;
    }
    return { micros, reference: body.reference ?? null };
  });

const iso = (time: number | null) => (time === null ? null : new Date(time).toISOString());

/** A tenant as the admin API shows it: overrides as stored (null: the instance default). */
export function tenantResource(tenant: Tenant) {
  return {
    id: tenant.id,
    name: tenant.name,
    status: tenant.status,
    rate_per_second: tenant.ratePerSecond,
    burst: tenant.burst,
    created_at: iso(tenant.createdAt),
    updated_at: iso(tenant.updatedAt),
  };
}

function keyResource(key: ApiKeyInfo) {
  return {
    id: key.id,
    tenant_id: key.tenantId,
    name: key.name,
    prefix: key.prefix,
    created_at: iso(key.createdAt),
    last_used_at: iso(key.lastUsedAt),
    revoked_at: iso(key.revokedAt),
  };
}

function entryResource(entry: StoredLedgerEntry) {
  return {
    id: entry.entryId,
    kind: entry.kind,
    amount: formatCredits(entry.amount),
    amount_micros: entry.amount,
    message_id: entry.messageId,
    reference: entry.reference,
    reason: entry.reason,
    channel: entry.channel,
    occurred_at: iso(entry.occurredAt),
  };
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new Problem(
      400,
      'validation_failed',
      'The request body is invalid',
      undefined,
      fieldErrors(parsed.error),
    );
  return parsed.data;
}

// An empty body is allowed where every field is optional, so `curl -X POST` needs no `-d '{}'`.
async function readOptionalJson(c: Context): Promise<unknown> {
  if ((await c.req.text()).trim() === '') return {};
  return readJson(c); // Hono caches the body: reading it again is free
}

const notFound = (what: string) => new Problem(404, 'not_found', 'Not found', what);

/** Tenants, API keys and credits, behind the admin token. */
export function adminRoutes(deps: AdminDeps) {
  const app = new Hono();
  app.use('*', adminAuth({ token: deps.adminToken }));

  const tenantOr404 = async (id: string) => {
    const tenant = await findTenant(deps.pool, id);
    if (!tenant) throw notFound(`No tenant ${id}.`);
    return tenant;
  };

  app.post('/tenants', async (c) => {
    const body = parse(createTenantBody, await readJson(c));
    const created = await createTenant(deps.pool, {
      id: body.id,
      name: body.name,
      ratePerSecond: body.rate_per_second ?? null,
      burst: body.burst ?? null,
    });
    if (!created.ok)
      throw new Problem(409, 'tenant_exists', 'Tenant exists', `A tenant ${body.id} exists already.`);
    c.header('Location', `/v1/admin/tenants/${body.id}`);
    return c.json(tenantResource(created.tenant), 201);
  });

  app.get('/tenants', async (c) => c.json({ data: (await listTenants(deps.pool)).map(tenantResource) }));

  app.get('/tenants/:id', async (c) => c.json(tenantResource(await tenantOr404(c.req.param('id')))));

  app.patch('/tenants/:id', async (c) => {
    const body = parse(patchTenantBody, await readJson(c));
    const tenant = await updateTenant(deps.pool, c.req.param('id'), {
      name: body.name,
      status: body.status,
      ratePerSecond: body.rate_per_second,
      burst: body.burst,
    });
    if (!tenant) throw notFound(`No tenant ${c.req.param('id')}.`);
    return c.json(tenantResource(tenant));
  });

  app.post('/tenants/:id/keys', async (c) => {
    const body = parse(issueKeyBody, await readOptionalJson(c));
    const tenant = await tenantOr404(c.req.param('id'));
    const issued = await issueApiKey(deps.pool, tenant.id, body.name ?? null);
    // The secret is in this response and nowhere else: only its SHA-256 is stored.
    return c.json({ ...keyResource(issued.info), key: issued.key }, 201);
  });

  app.get('/tenants/:id/keys', async (c) => {
    const tenant = await tenantOr404(c.req.param('id'));
    return c.json({ data: (await listApiKeys(deps.pool, tenant.id)).map(keyResource) });
  });

  app.delete('/tenants/:id/keys/:keyId', async (c) => {
    const tenant = await tenantOr404(c.req.param('id'));
    const revoked = await revokeApiKey(deps.pool, tenant.id, c.req.param('keyId'));
    if (!revoked) throw notFound(`Tenant ${tenant.id} has no key ${c.req.param('keyId')}.`);
    return c.json(keyResource(revoked));
  });

  app.post('/tenants/:id/credits', async (c) => {
    const body = parse(addCreditsBody, await readJson(c));
    const tenant = await tenantOr404(c.req.param('id'));
    const added = await addCreditsEntry(deps.pool, tenant.id, {
      amount: body.micros,
      reference: body.reference,
      now: deps.clock(),
    });
    if (!added.ok)
      throw new Problem(400, 'validation_failed', 'The request body is invalid', added.message, [
        { field: 'amount', message: added.message },
      ]);
    return c.json(
      { tenant_id: tenant.id, entry: entryResource(added.entry), balance: balanceResource(added.balance) },
      201,
    );
  });

  app.get('/tenants/:id/credits', async (c) => {
    const tenant = await tenantOr404(c.req.param('id'));
    const [balance, entries] = await Promise.all([
      readBalance(deps.pool, tenant.id),
      listLedgerEntries(deps.pool, tenant.id, 50),
    ]);
    return c.json({
      tenant_id: tenant.id,
      balance: balanceResource(balance),
      entries: entries.map(entryResource),
    });
  });

  return app;
}
