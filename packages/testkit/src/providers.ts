import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './processes.js';

/** A provider entry of a providers file, as far as tests pick among them. */
export interface ProviderEntry {
  id: string;
  kind: string;
  channel: string;
  weight: number;
  [option: string]: unknown;
}

/**
 * Writes a providers file holding the development providers (config/providers.dev.json) that `keep`
 * selects, for a stack whose assertions depend on which provider a message takes; returns its path
 * (pass it as HERALD_PROVIDERS_FILE).
 */
export function devProvidersFile(keep: (provider: ProviderEntry) => boolean): string {
  const dev = JSON.parse(readFileSync(join(repoRoot, 'config', 'providers.dev.json'), 'utf8')) as {
    providers: ProviderEntry[];
  };
  const providers = dev.providers.filter(keep);
  if (providers.length === 0) throw new Error('no development provider matches the filter');
  const file = join(mkdtempSync(join(tmpdir(), 'herald-providers-')), 'providers.json');
  writeFileSync(file, JSON.stringify({ providers }));
  return file;
}
