import { Agent, buildConnector } from 'undici';
import { isIP } from 'node:net';
import { SsrfError } from './ssrf.js';
import type { CheckedUrl } from './ssrf.js';

/**
 * An undici dispatcher that connects only to the addresses `checkUrl` approved, closing the DNS
 * rebinding gap between the check and the connection: undici would otherwise resolve the host
 * again and could get a private address the second time. Host header and TLS SNI (and so
 * certificate validation) still use the URL's host name.
 *
 * Redirects are never followed: undici's `request` does not follow them unless the redirect
 * interceptor is composed in, and callers must not compose it (nor pass `maxRedirections` to an
 * older undici). A 3xx answer is a failed attempt (see `outcomeOf`), because its Location was
 * never checked.
 */

/** Options of `pinnedAgent`: socket/TLS options for the connector, and the Agent's own options. */
export interface PinnedAgentOptions {
  readonly connect?: buildConnector.BuildOptions;
  readonly agent?: Omit<Agent.Options, 'connect'>;
}

/** An Agent for one checked URL's origin; requests to any other host fail with `host_not_pinned`. */
export function pinnedAgent(checked: CheckedUrl, options: PinnedAgentOptions = {}): Agent {
  return new Agent({
    ...options.agent,
    connect: pinnedConnector(checked, buildConnector(options.connect ?? {})),
  });
}

/**
 * A connector that dials the checked addresses in resolver order, moving to the next one only
 * when a connection cannot be made (an IPv6 answer on an IPv4-only host, say), with the host
 * name kept as TLS server name.
 */
export function pinnedConnector(
  checked: CheckedUrl,
  base: buildConnector.connector,
): buildConnector.connector {
  const pinnedHost = checked.hostname.toLowerCase();
  const servername = isIP(pinnedHost) === 0 ? pinnedHost : undefined;
  const addresses = checked.addresses.map(({ address }) => address);
  return function connectPinned(options, callback) {
    const requested = options.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    if (requested !== pinnedHost) {
      callback(
        new SsrfError('host_not_pinned', `this agent is pinned to ${pinnedHost}, not ${requested}`),
        null,
      );
      return;
    }
    const dial = (index: number): void => {
      const address = addresses[index];
      if (address === undefined) {
        callback(new SsrfError('dns_failed', `${pinnedHost} has no checked address to connect to`), null);
        return;
      }
      base({ ...options, hostname: address, servername }, (...result) => {
        if (result[0] !== null && index + 1 < addresses.length) dial(index + 1);
        else callback(...result);
      });
    };
    dial(0);
  };
}
