import type { Command } from '../command.js';
import { show, table } from '../format.js';
import type { BalanceJson, EntryJson } from '../resources.js';
import { balanceLines } from '../resources.js';

/** `credits show <tenant>` */
export const creditsShow: Command = {
  name: ['credits', 'show'],
  summary: "Show a tenant's balance and latest ledger entries.",
  args: ['tenant'],
  options: {},
  async run({ client, output, json }, [tenant = '']) {
    const credits = (await client.request('GET', `/tenants/${encodeURIComponent(tenant)}/credits`)) as {
      balance: BalanceJson;
      entries: EntryJson[];
    };
    if (json) return output.out(JSON.stringify(credits, null, 2));
    for (const line of balanceLines(credits.balance)) output.out(line);
    if (credits.entries.length === 0) return;
    output.out('');
    const rows = credits.entries.map((e) => [
      e.occurred_at,
      e.kind,
      e.amount,
      show(e.message_id ?? e.reference),
      show(e.reason),
    ]);
    for (const line of table(['WHEN', 'KIND', 'CREDITS', 'MESSAGE/REFERENCE', 'REASON'], rows))
      output.out(line);
  },
};
