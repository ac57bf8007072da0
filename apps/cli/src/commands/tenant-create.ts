import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import type { TenantJson } from '../resources.js';
import { tenantLines } from '../resources.js';

const number = (value: string | boolean | undefined, name: string): number | undefined => {
  if (typeof value !== 'string') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new UsageError(`--${name} must be a number`);
  return parsed;
};

/** `tenant create --id acme --name "Acme" [--rate-per-second n] [--burst n]` */
export const tenantCreate: Command = {
  name: ['tenant', 'create'],
  summary: 'Create a tenant.',
  args: [],
  options: {
    id: { type: 'string', description: 'tenant id, a slug such as acme (required)' },
    name: { type: 'string', description: 'display name (required)' },
    'rate-per-second': { type: 'string', description: 'rate limit override, requests per second' },
    burst: { type: 'string', description: 'rate limit override, largest burst' },
  },
  async run({ client, output, json }, _args, options) {
    if (typeof options.id !== 'string' || typeof options.name !== 'string')
      throw new UsageError('--id and --name are required');
    const tenant = (await client.request('POST', '/tenants', {
      id: options.id,
      name: options.name,
      rate_per_second: number(options['rate-per-second'], 'rate-per-second'),
      burst: number(options.burst, 'burst'),
    })) as TenantJson;
    if (json) return output.out(JSON.stringify(tenant, null, 2));
    output.out(`Created tenant ${tenant.id}.`);
    for (const line of tenantLines(tenant)) output.out(line);
  },
};
