import type { Command } from '../command.js';
import { show, table } from '../format.js';
import type { KeyJson, ListJson } from '../resources.js';

/** `key list <tenant>` */
export const keyList: Command = {
  name: ['key', 'list'],
  summary: "List a tenant's API keys (never their secrets).",
  args: ['tenant'],
  options: {},
  async run({ client, output, json }, [tenant = '']) {
    const list = (await client.request(
      'GET',
      `/tenants/${encodeURIComponent(tenant)}/keys`,
    )) as ListJson<KeyJson>;
    if (json) return output.out(JSON.stringify(list, null, 2));
    if (list.data.length === 0) return output.out(`${tenant} has no keys.`);
    const rows = list.data.map((k) => [
      k.id,
      show(k.name),
      `${k.prefix}…`,
      k.created_at,
      show(k.last_used_at),
      k.revoked_at === null ? 'active' : `revoked ${k.revoked_at}`,
    ]);
    for (const line of table(['ID', 'NAME', 'PREFIX', 'CREATED', 'LAST USED', 'STATE'], rows))
      output.out(line);
  },
};
