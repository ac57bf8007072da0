import type { Command } from '../command.js';
import { table } from '../format.js';
import type { ListJson, TenantJson } from '../resources.js';

/** `tenant list` */
export const tenantList: Command = {
  name: ['tenant', 'list'],
  summary: 'List every tenant.',
  args: [],
  options: {},
  async run({ client, output, json }) {
    const list = (await client.request('GET', '/tenants')) as ListJson<TenantJson>;
    if (json) return output.out(JSON.stringify(list, null, 2));
    if (list.data.length === 0) return output.out('No tenants.');
    const rows = list.data.map((t) => [
      t.id,
      t.name,
      t.status,
      String(t.rate_per_second ?? 'default'),
      String(t.burst ?? 'default'),
    ]);
    for (const line of table(['ID', 'NAME', 'STATUS', 'RATE/S', 'BURST'], rows)) output.out(line);
  },
};
