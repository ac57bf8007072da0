import { Hono } from 'hono';
import { addOptOut, listOptOuts, removeOptOut } from '@herald/store';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { ApiEnv, IngressContext } from '../ingress-context.js';
import { Problem } from '../problems.js';
import { invalid, readBody, readQuery } from '../read-json.js';
import { optOutResource } from '../representation.js';
import { deleteOptOutQuery, listOptOutsQuery, optOutBody, optOutParams } from '../schemas.js';

/** The tenant's opt-out list under `/v1/opt-outs`: add, remove, list. */
export function optOutsRoutes(deps: Pick<IngressContext, 'pool'>) {
  const app = new Hono<ApiEnv>();

  app.post('/', async (c) => {
    const body = await readBody(c, optOutBody);
    const { optOut, created } = await addOptOut(deps.pool, {
      tenantId: c.get('tenantId'),
      recipient: body.recipient,
      channel: body.channel ?? null,
      source: 'api',
    });
    return c.json(optOutResource(optOut), created ? 201 : 200);
  });

  app.get('/', async (c) => {
    const query = readQuery(c, listOptOutsQuery);
    const [before] = query.cursor ? decodeCursor(query.cursor, [/^\d{1,19}$/]) : [];
    const page = await listOptOuts(deps.pool, c.get('tenantId'), {
      limit: query.limit,
      before,
      recipient: query.recipient,
    });
    const last = page.optOuts[page.optOuts.length - 1];
    return c.json({
      data: page.optOuts.map(optOutResource),
      next_cursor: page.hasMore && last ? encodeCursor([last.id]) : null,
    });
  });

  app.delete('/:recipient', async (c) => {
    const params = optOutParams.safeParse({ recipient: c.req.param('recipient') });
    if (!params.success) throw invalid('path', params.error);
    const { channel } = readQuery(c, deleteOptOutQuery);
    const { recipient } = params.data;
    const removed = await removeOptOut(
      deps.pool,
      c.get('tenantId'),
      recipient,
      channel === 'all' ? null : channel,
    );
    if (removed === 0)
      throw new Problem(
        404,
        'not_found',
        'Not on the opt-out list',
        `${recipient} is not on this account's opt-out list.`,
      );
    return c.body(null, 204);
  });

  return app;
}
