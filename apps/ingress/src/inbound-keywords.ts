import { keywordIntent } from '@herald/domain';
import { addOptOut, removeOptOut } from '@herald/store';
import type { Pool } from '@herald/store';
import type { Logger } from '@herald/telemetry';
import { Problem } from './problems.js';

/**
 * Turns inbound STOP/START keywords into the tenant's opt-out list (every channel, source
 * `keyword`). The tenant comes from the inbound webhook URL configured at the provider, which is
 * covered by the provider's signature.
 */
export function inboundKeywordHandler(pool: Pool, log: Logger) {
  return async function recordInboundKeyword(inbound: {
    tenantId: string | null;
    from: string;
    body: string;
  }): Promise<void> {
    const intent = keywordIntent(inbound.body);
    if (intent === null || intent === 'help') return;
    if (!inbound.tenantId || !inbound.from) {
      throw new Problem(
        400,
        'validation_failed',
        'Inbound webhook needs tenant_id in its URL and a From parameter',
      );
    }
    if (intent === 'opt_out') {
      await addOptOut(pool, {
        tenantId: inbound.tenantId,
        recipient: inbound.from,
        channel: null,
        source: 'keyword',
      });
    } else {
      await removeOptOut(pool, inbound.tenantId, inbound.from);
    }
    log.info({ tenantId: inbound.tenantId, intent }, 'inbound keyword recorded');
  };
}
