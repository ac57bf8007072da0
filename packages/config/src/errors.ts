/** Raised at start-up when configuration is invalid; the message names every bad key. */
export class ConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}
