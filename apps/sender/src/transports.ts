import type { ProviderConfig } from '@herald/config';
import { TwilioTransport } from '@herald/transports';
import type { Transport } from '@herald/transports';

/** One transport per configured provider instance, built from its validated options. */
export function createTransports(providers: readonly ProviderConfig[]): Map<string, Transport> {
  const transports = new Map<string, Transport>();
  for (const provider of providers) {
    switch (provider.kind) {
      case 'twilio':
        transports.set(provider.id, new TwilioTransport(provider.options));
        break;
      default: {
        const exhaustive: never = provider.kind;
        throw new Error(`no transport for provider kind ${String(exhaustive)}`);
      }
    }
  }
  return transports;
}

/**
 * The status callback URL given to a provider. It carries our ids, so a callback can be turned into
 * an event without a lookup (and before the send is even recorded); the provider signs this exact URL.
 */
export function statusCallbackUrl(
  publicUrl: string,
  kind: string,
  ids: { messageId: string; tenantId: string; providerId: string },
): string {
  const url = new URL(`/providers/${kind}/status`, publicUrl);
  url.searchParams.set('message_id', ids.messageId);
  url.searchParams.set('tenant_id', ids.tenantId);
  url.searchParams.set('provider_id', ids.providerId);
  return url.toString();
}
