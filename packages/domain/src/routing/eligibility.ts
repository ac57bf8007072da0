/** What eligibility needs to know about a provider instance. */
export interface ProviderScope {
  readonly id: string;
  readonly channel: string;
  readonly weight: number;
  readonly prefixes?: readonly string[] | undefined;
  readonly tenants?: readonly string[] | undefined;
}

/** What eligibility needs to know about a message. */
export interface MessageScope {
  readonly channel: string;
  readonly to: string;
  readonly tenantId: string;
}

const digits = (value: string) => value.replace(/^\+/, '');

/**
 * Providers that may carry a message: same channel, positive weight, serving the tenant, serving the
 * destination (a provider with prefixes serves only numbers starting with one of them), and not
 * excluded (already tried, or with an open circuit).
 */
export function eligibleProviders<P extends ProviderScope>(
  providers: readonly P[],
  message: MessageScope,
  excluded: ReadonlySet<string> = new Set(),
): P[] {
  const number = digits(message.to);
  return providers.filter(
    (provider) =>
      provider.channel === message.channel &&
      provider.weight > 0 &&
      !excluded.has(provider.id) &&
      (provider.tenants === undefined || provider.tenants.includes(message.tenantId)) &&
      (provider.prefixes === undefined ||
        provider.prefixes.some((prefix) => number.startsWith(digits(prefix)))),
  );
}
