import { whatsappSignature } from '@herald/transports';
import type { WhatsAppStatusObject, WhatsAppWebhookPayload } from '@herald/transports';
import type { CallbackRequest } from '../callbacks.js';
import type { WhatsAppSimOptions } from './options.js';

/** A message as the simulated WhatsApp number remembers it while its statuses play out. */
export interface SimulatedWhatsAppMessage {
  wamid: string;
  waId: string;
  /** Conversation the message opened or joined; Meta reports it with sent and delivered. */
  conversationId: string;
}

/** One status step, with the error Meta attaches to a `failed`. */
export interface StatusStep {
  status: 'sent' | 'delivered' | 'read' | 'failed';
  error: { code: number; title: string; details: string } | null;
}

/**
 * The webhook Meta POSTs for one status change, in its documented shape, signed over the exact body
 * bytes with the app secret. One status per webhook, as Meta mostly sends them.
 */
export function buildStatusWebhook(
  message: SimulatedWhatsAppMessage,
  step: StatusStep,
  now: Date,
  options: WhatsAppSimOptions,
): CallbackRequest {
  const payload: WhatsAppWebhookPayload = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: options.businessAccountId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: options.displayPhoneNumber,
                phone_number_id: options.phoneNumberId,
              },
              statuses: [statusObject(message, step, now)],
            },
          },
        ],
      },
    ],
  };
  const body = JSON.stringify(payload);
  return {
    url: options.webhookUrl,
    body,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': whatsappSignature(options.appSecret, body),
      'user-agent': 'facebookexternalua',
    },
  };
}

function statusObject(message: SimulatedWhatsAppMessage, step: StatusStep, now: Date): WhatsAppStatusObject {
  const seconds = Math.floor(now.getTime() / 1000);
  const base = {
    id: message.wamid,
    status: step.status,
    timestamp: String(seconds),
    recipient_id: message.waId,
  };
  if (step.error !== null) {
    const { code, title, details } = step.error;
    const href = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';
    return { ...base, errors: [{ code, title, message: title, error_data: { details }, href }] };
  }
  if (step.status === 'read') return base;
  return {
    ...base,
    conversation: {
      id: message.conversationId,
      // A service conversation stays open 24 hours from its first message.
      ...(step.status === 'sent' ? { expiration_timestamp: String(seconds + 86_400) } : {}),
      origin: { type: 'service' },
    },
    pricing: { billable: true, pricing_model: 'CBP', category: 'service' },
  };
}
