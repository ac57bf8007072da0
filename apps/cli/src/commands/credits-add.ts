import type { Command } from '../command.js';
import type { BalanceJson, EntryJson } from '../resources.js';
import { balanceLines } from '../resources.js';

/** `credits add <tenant> <amount> [--reference r]` */
export const creditsAdd: Command = {
  name: ['credits', 'add'],
  summary: 'Add credits to a tenant (amount in credits, up to 6 decimals, e.g. 12.5).',
  args: ['tenant', 'amount'],
  options: { reference: { type: 'string', description: 'the payment or grant it comes from' } },
  async run({ client, output, json }, [tenant = '', amount = ''], options) {
    const added = (await client.request('POST', `/tenants/${encodeURIComponent(tenant)}/credits`, {
      amount,
      ...(typeof options.reference === 'string' ? { reference: options.reference } : {}),
    })) as { entry: EntryJson; balance: BalanceJson };
    if (json) return output.out(JSON.stringify(added, null, 2));
    output.out(`Added ${added.entry.amount} credits to ${tenant}.`);
    for (const line of balanceLines(added.balance)) output.out(line);
  },
};
