import test from 'ava';
import { parseWhatsAppWebhook } from '../../src/index.js';

// Shaped like the examples of Meta's webhook reference (statuses for sent, delivered, read, failed).
const PAYLOAD = {
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '102290129340398',
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
            statuses: [
              {
                id: 'wamid.A',
                status: 'delivered',
                timestamp: '1750263773',
                recipient_id: '16505551234',
                conversation: { id: 'c1', origin: { type: 'service' } },
                pricing: { billable: true, pricing_model: 'CBP', category: 'service' },
              },
              {
                id: 'wamid.B',
                status: 'failed',
                timestamp: '1750263774',
                recipient_id: '16505551235',
                errors: [
                  {
                    code: 131026,
                    title: 'Message undeliverable',
                    message: 'Message undeliverable',
                    error_data: { details: 'Message Undeliverable.' },
                  },
                ],
              },
            ],
          },
        },
        { field: 'message_template_status_update', value: { event: 'APPROVED' } },
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
            messages: [{ from: '16505551234', id: 'wamid.in', type: 'text', text: { body: 'hi' } }],
          },
        },
      ],
    },
  ],
};

test('flattens every status with its phone number id, time and error', (t) => {
  t.deepEqual(parseWhatsAppWebhook(PAYLOAD), {
    ok: true,
    ignoredChanges: 2,
    statuses: [
      {
        phoneNumberId: '106540352242922',
        wamid: 'wamid.A',
        status: 'delivered',
        timestamp: 1_750_263_773_000,
        recipientId: '16505551234',
        error: null,
      },
      {
        phoneNumberId: '106540352242922',
        wamid: 'wamid.B',
        status: 'failed',
        timestamp: 1_750_263_774_000,
        recipientId: '16505551235',
        error: { code: 131026, message: 'Message undeliverable' },
      },
    ],
  });
});

test('refuses bodies that are not WhatsApp Business Account webhooks', (t) => {
  const bad: unknown[] = [
    null,
    [],
    { object: 'page', entry: [] },
    { object: 'whatsapp_business_account' },
    { object: 'whatsapp_business_account', entry: [{ id: '1' }] },
    {
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'messages', value: { statuses: [] } }] }],
    },
    {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: { metadata: { phone_number_id: '1' }, statuses: [{ status: 'sent' }] },
            },
          ],
        },
      ],
    },
  ];
  for (const body of bad) t.false(parseWhatsAppWebhook(body).ok, JSON.stringify(body));
});

test('a malformed timestamp is null rather than a wrong time', (t) => {
  const body = structuredClone(PAYLOAD);
  const status = body.entry[0]?.changes[0]?.value.statuses?.[0];
  if (status) status.timestamp = 'yesterday';
  const parsed = parseWhatsAppWebhook(body);
  t.is(parsed.ok ? parsed.statuses[0]?.timestamp : undefined, null);
});
