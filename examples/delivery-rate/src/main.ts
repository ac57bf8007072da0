// Delivery rate per provider per minute, from Herald's events topic: an analytics job that knows
// only the broker and registry addresses (and the topic prefix). See README.md.
import { DeliveryRates } from './delivery-rates.js';
import { formatTable, toJson } from './format.js';
import { OptionError, USAGE, parseOptions } from './options.js';
import { readOutcomes } from './read-events.js';

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2), process.env);
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const rates = new DeliveryRates();
  const changed = new Set<string>();
  const reader = await readOutcomes(options.read, (event) => {
    const key = rates.add(event);
    if (key !== undefined) changed.add(key);
  });

  if (options.read.untilEnd) {
    await reader.done;
    const rows = rates.rows();
    console.log(options.json ? JSON.stringify(rows.map(toJson), null, 2) : formatTable(rows));
    return 0;
  }

  // Following the topic: every interval, the lines that changed since the last print.
  const flush = () => {
    if (changed.size === 0) return;
    const rows = rates.rows(changed);
    changed.clear();
    if (options.json) for (const row of rows) console.log(JSON.stringify(toJson(row)));
    else console.log(`${formatTable(rows)}\n`);
  };
  const timer = setInterval(flush, options.intervalMs);
  const shutdown = () => void reader.stop();
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await reader.done;
  clearInterval(timer);
  flush();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`delivery-rate: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof OptionError) console.error(USAGE);
    process.exit(error instanceof OptionError ? 2 : 1);
  },
);
