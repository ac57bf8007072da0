import { readFileSync } from 'node:fs';
import { ConfigError } from '@herald/config';
import { DEFAULT_PRICE_TABLE, parsePriceTable } from '@herald/domain';
import type { PriceTable } from '@herald/domain';

/** The price table of HERALD_PRICES_FILE (JSON), or Herald's defaults when it is not set. */
export function loadPriceTable(path: string | undefined): PriceTable {
  if (!path) return DEFAULT_PRICE_TABLE;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError([`HERALD_PRICES_FILE: cannot read ${path} as JSON (${reason})`]);
  }
  const parsed = parsePriceTable(json);
  if (!parsed.ok) throw new ConfigError([`HERALD_PRICES_FILE: ${parsed.error.message}`]);
  return parsed.value;
}
