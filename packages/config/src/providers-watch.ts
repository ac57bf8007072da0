import { unwatchFile, watchFile } from 'node:fs';
import { loadProviders } from './providers.js';
import type { ProviderConfig } from './providers.js';

/** The current provider configuration, reloaded when its file changes or on SIGHUP. */
export interface ProviderSource {
  current(): readonly ProviderConfig[];
  stop(): void;
}

/**
 * Loads the providers file and reloads it without a restart when it changes (polled, which also
 * works on network file systems) or when the process gets SIGHUP. A file that fails validation is
 * reported and ignored: the last good configuration stays in force.
 */
export function watchProviders(
  path: string,
  hooks: { onReload: (providers: readonly ProviderConfig[]) => void; onError: (error: unknown) => void },
  intervalMs = 1000,
): ProviderSource {
  let providers: readonly ProviderConfig[] = loadProviders(path);
  const reload = () => {
    try {
      providers = loadProviders(path);
      hooks.onReload(providers);
    } catch (error) {
      hooks.onError(error);
    }
  };
  watchFile(path, { interval: intervalMs }, (current, previous) => {
    if (current.mtimeMs !== previous.mtimeMs) reload();
  });
  process.on('SIGHUP', reload);
  return {
    current: () => providers,
    stop: () => {
      unwatchFile(path);
      process.off('SIGHUP', reload);
    },
  };
}
