import type { Command } from '../command.js';
import type { TenantJson } from '../resources.js';
import { tenantLines } from '../resources.js';

/** `tenant show <id>` */
export const tenantShow: Command = {
  name: ['tenant', 'show'],
  summary: 'Show one tenant.',
  args: ['id'],
  options: {},
  async run({ client, output, json }, [id = '']) {
    const tenant = (await client.request('GET', `/tenants/${encodeURIComponent(id)}`)) as TenantJson;
    if (json) return output.out(JSON.stringify(tenant, null, 2));
    for (const line of tenantLines(tenant)) output.out(line);
  },
};
