import test from 'ava';
import { mapWhatsAppStatus, WHATSAPP_MESSAGE_STATUSES } from '../../src/index.js';
import type { ProviderStatus, WhatsAppMessageStatus } from '../../src/index.js';

const EXPECTED: Record<WhatsAppMessageStatus, ProviderStatus> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
};

test('the table covers exactly the documented WhatsApp statuses', (t) => {
  t.deepEqual(Object.keys(EXPECTED).sort(), [...WHATSAPP_MESSAGE_STATUSES].sort());
});

for (const [whatsapp, herald] of Object.entries(EXPECTED)) {
  test(`maps WhatsApp status '${whatsapp}' to ${herald}`, (t) => {
    t.is(mapWhatsAppStatus(whatsapp), herald);
  });
}

test('returns null for statuses that say nothing about delivery, and for unknown strings', (t) => {
  for (const status of ['deleted', 'warning', 'Delivered', '', 'constructor', 'toString']) {
    t.is(mapWhatsAppStatus(status), null, status);
  }
});
