import type { Command } from '../command.js';
import { fields } from '../format.js';
import type { KeyJson } from '../resources.js';

/** `key issue <tenant> [--name n]` */
export const keyIssue: Command = {
  name: ['key', 'issue'],
  summary: 'Issue a new API key for a tenant; the key is shown once.',
  args: ['tenant'],
  options: { name: { type: 'string', description: 'a label to recognise the key by' } },
  async run({ client, output, json }, [tenant = ''], options) {
    const body = typeof options.name === 'string' ? { name: options.name } : {};
    const key = (await client.request(
      'POST',
      `/tenants/${encodeURIComponent(tenant)}/keys`,
      body,
    )) as KeyJson;
    if (json) return output.out(JSON.stringify(key, null, 2));
    output.out(`Issued key ${key.id} for ${tenant}. Store it now: it is not shown again.`);
    for (const line of fields([['key', key.key ?? '-']])) output.out(line);
  },
};
