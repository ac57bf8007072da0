import type { EventOf, HeraldEvent } from '@herald/contracts';

const BASE_TIME = Date.UTC(2025, 0, 1);

// ---------------------------------------------------------------------------------------------
// A deterministic, realistic stream: accepted → routed (sometimes a failover) → sent → delivered,
// or accepted → routed → failed; some callbacks arrive before the `sent` they follow, and some
// events are produced twice (producer retries, duplicate callbacks). Some messages belong to one
// of five broadcasts; parts and prices vary.
// ---------------------------------------------------------------------------------------------

/** mulberry32: a tiny seeded PRNG, so every run produces the same stream. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Planned {
  event: HeraldEvent;
  /** When the record reaches its topic; differs from occurredAt for late callbacks. */
  logAt: number;
  seq: number;
}

export interface Stream {
  records: Planned[];
  distinctEvents: number;
  finalStatus: Map<string, 'delivered' | 'failed'>;
}

export function planStream(messages: number, seed: number, baseTime = BASE_TIME): Stream {
  const random = seededRandom(seed);
  const below = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[below(items.length)] as T;
  const uuid = () => {
    const bytes = Buffer.from(Array.from({ length: 16 }, () => below(256)));
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  const providers = ['twilio-main', 'twilio-backup', 'sim-eu', 'sim-us'];
  const broadcasts = Array.from({ length: 5 }, () => uuid());
  const tenants = ['tenant-a', 'tenant-b', 'tenant-c'];
  const channels = ['sms', 'whatsapp', 'telegram'] as const;
  const records: Planned[] = [];
  const finalStatus = new Map<string, 'delivered' | 'failed'>();
  let seq = 0;
  let distinctEvents = 0;
  const emit = (event: HeraldEvent, logAt = event.occurredAt) => {
    const planned = { event, logAt, seq: seq++ };
    records.push(planned);
    distinctEvents++;
    return planned;
  };

  for (let i = 0; i < messages; i++) {
    const acceptedAt = baseTime + i * 7;
    // A broadcast belongs to one tenant and one channel, as the API creates them.
    const broadcast = random() < 0.3 ? below(broadcasts.length) : null;
    const base = {
      messageId: uuid(),
      tenantId: broadcast === null ? pick(tenants) : (tenants[broadcast % tenants.length] ?? 'tenant-a'),
      to: `+1555${String(below(600)).padStart(7, '0')}`,
    };
    const channel = broadcast === null ? pick(channels) : (channels[broadcast % channels.length] ?? 'sms');
    const text = `Your code is ${below(1_000_000)}`;
    const own: Planned[] = [];
    const accepted: EventOf<'MessageAccepted'> = {
      type: 'MessageAccepted',
      ...base,
      eventId: uuid(),
      occurredAt: acceptedAt,
      channel,
      from: random() < 0.5 ? 'HERALD' : null,
      text,
      priority: 'normal',
      clientReference: random() < 0.3 ? `order-${i}` : null,
      callbackUrl: random() < 0.2 ? `https://hooks.example.com/${i}` : null,
      metadata: random() < 0.2 ? { campaign: `c${below(5)}` } : null,
      sendAt: null,
      expiresAt: null,
      parts: 1 + below(3),
      encoding: 'GSM-7',
      costMicros: 1000 * (1 + below(50)),
      broadcastId: broadcast === null ? null : (broadcasts[broadcast] ?? null),
    };
    own.push(emit(accepted));

    const attempts = random() < 0.05 ? 2 : 1;
    let routedAt = acceptedAt;
    let providerId = pick(providers);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) providerId = pick(providers.filter((p) => p !== providerId));
      routedAt += 5 + below(200);
      const routed: EventOf<'MessageRouted'> = {
        type: 'MessageRouted',
        ...base,
        eventId: uuid(),
        occurredAt: routedAt,
        channel,
        from: accepted.from,
        text,
        priority: 'normal',
        providerId,
        attempt,
        expiresAt: null,
        notBefore: null,
        lastErrorCode: attempt > 1 ? 'http_503' : null,
        lastErrorMessage: attempt > 1 ? 'the previous provider failed' : null,
      };
      own.push(emit(routed));
    }

    if (random() < 0.8) {
      const providerMessageId = `SM${uuid().replaceAll('-', '')}`;
      const sent: EventOf<'MessageSent'> = {
        type: 'MessageSent',
        ...base,
        eventId: uuid(),
        occurredAt: routedAt + 100 + below(400),
        providerId,
        providerMessageId,
        attempt: attempts,
        latencyMs: 50 + below(400),
      };
      const sentRecord = emit(sent);
      own.push(sentRecord);
      const delivered: EventOf<'MessageDelivered'> = {
        type: 'MessageDelivered',
        ...base,
        eventId: uuid(),
        occurredAt: sent.occurredAt + 1000 + below(4000),
        providerId,
        providerMessageId,
        providerStatus: 'delivered',
      };
      // One callback in ten overtakes the sender's own `sent` on the events topic.
      own.push(emit(delivered, random() < 0.1 ? sentRecord.logAt - 1 : delivered.occurredAt));
      finalStatus.set(base.messageId, 'delivered');
    } else {
      const failed: EventOf<'MessageFailed'> = {
        type: 'MessageFailed',
        ...base,
        eventId: uuid(),
        occurredAt: routedAt + 100 + below(400),
        providerId,
        errorCode: pick(['twilio:21211', 'twilio:21610', 'herald:no_route']),
        errorMessage: 'The provider refused the message',
      };
      own.push(emit(failed));
      finalStatus.set(base.messageId, 'failed');
    }

    if (random() < 0.04) {
      const original = pick(own);
      records.push({ event: original.event, logAt: original.logAt + 500 + below(5000), seq: seq++ });
    }
  }
  records.sort((a, b) => a.logAt - b.logAt || a.seq - b.seq);
  return { records, distinctEvents, finalStatus };
}
