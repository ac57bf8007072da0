import type { Command } from '../command.js';
import type { KeyJson } from '../resources.js';

/** `key revoke <tenant> <keyId>` */
export const keyRevoke: Command = {
  name: ['key', 'revoke'],
  summary: 'Revoke an API key; it stops working at once.',
  args: ['tenant', 'keyId'],
  options: {},
  async run({ client, output, json }, [tenant = '', keyId = '']) {
    const key = (await client.request(
      'DELETE',
      `/tenants/${encodeURIComponent(tenant)}/keys/${encodeURIComponent(keyId)}`,
    )) as KeyJson;
    if (json) return output.out(JSON.stringify(key, null, 2));
    output.out(`Revoked key ${key.id} of ${tenant} (${key.revoked_at ?? ''}).`);
  },
};
