import type { ProviderConfig } from '@herald/config';
import { SmppTransport, TelegramTransport, TwilioTransport, WhatsAppTransport } from '@herald/transports';
import type { StatusUpdate, Transport } from '@herald/transports';

/** The transport of one configured provider instance, built from its validated options. */
export function createTransport(provider: ProviderConfig): Transport {
  switch (provider.kind) {
    case 'twilio':
      return new TwilioTransport(provider.options);
    // The webhook secrets in these options belong to the ingress; the transports take what sends.
    case 'whatsapp-cloud': {
      const { baseUrl, apiVersion, phoneNumberId, accessToken, timeoutMs } = provider.options;
      return new WhatsAppTransport({ baseUrl, apiVersion, phoneNumberId, accessToken, timeoutMs });
    }
    case 'telegram': {
      const { baseUrl, botToken, timeoutMs } = provider.options;
      return new TelegramTransport({ baseUrl, botToken, timeoutMs });
    }
    // One bound SMPP session per instance; receipts arrive through onStatusUpdate.
    case 'smpp':
      return new SmppTransport(provider.options);
    default: {
      const exhaustive: never = provider;
      // Only the kind: the options hold credentials.
      throw new Error(`no transport for provider kind ${String((exhaustive as { kind?: unknown }).kind)}`);
    }
  }
}

/**
 * The transports of the current provider configuration. On a reload, transports of unchanged
 * providers are kept (with their connections), and those of removed or changed ones are closed.
 */
export class TransportPool {
  private transports = new Map<string, { config: string; transport: Transport }>();
  private statusListener: ((providerId: string, update: StatusUpdate) => void) | null = null;

  constructor(providers: readonly ProviderConfig[]) {
    this.update(providers);
  }

  /** The transport of each provider id. */
  current(): ReadonlyMap<string, Transport> {
    return new Map([...this.transports].map(([id, entry]) => [id, entry.transport]));
  }

  /** Applies a new configuration; returns the transports it retired, closed in the background. */
  update(providers: readonly ProviderConfig[]): Promise<void> {
    const next = new Map<string, { config: string; transport: Transport }>();
    const retired: Transport[] = [];
    for (const provider of providers) {
      const config = JSON.stringify(provider);
      const existing = this.transports.get(provider.id);
      if (existing && existing.config === config) {
        next.set(provider.id, existing);
        continue;
      }
      const transport = createTransport(provider);
      const listener = this.statusListener;
      if (listener) transport.onStatusUpdate?.((update) => listener(provider.id, update));
      next.set(provider.id, { config, transport });
    }
    for (const [id, entry] of this.transports) if (next.get(id) !== entry) retired.push(entry.transport);
    this.transports = next;
    return Promise.all(retired.map((transport) => transport.close())).then(() => undefined);
  }

  /**
   * Subscribes to the status reports of every transport that has them (SMPP receipts), now and
   * after reloads; the listener learns which provider reported.
   */
  onStatusUpdate(listener: (providerId: string, update: StatusUpdate) => void): void {
    this.statusListener = listener;
    for (const [id, entry] of this.transports)
      entry.transport.onStatusUpdate?.((update) => listener(id, update));
  }

  /** Closes every transport. */
  async close(): Promise<void> {
    await Promise.all([...this.transports.values()].map((entry) => entry.transport.close()));
  }
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
