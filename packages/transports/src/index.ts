export type { Channel, OutboundMessage, ProviderStatus, SendResult, Transport } from './transport.js';
export { TwilioTransport } from './twilio/twilio.transport.js';
export type { TwilioTransportOptions } from './twilio/options.js';
export { mapTwilioStatus, isTwilioMessageStatus, TWILIO_MESSAGE_STATUSES } from './twilio/status.js';
export type { TwilioMessageStatus } from './twilio/status.js';
export { twilioSignature, verifyTwilioSignature } from './twilio/signature.js';
export { WhatsAppTransport } from './whatsapp/whatsapp.transport.js';
export type { WhatsAppTransportOptions } from './whatsapp/options.js';
export { DEFAULT_WHATSAPP_API_VERSION } from './whatsapp/options.js';
export { mapWhatsAppStatus, isWhatsAppMessageStatus, WHATSAPP_MESSAGE_STATUSES } from './whatsapp/status.js';
export type { WhatsAppMessageStatus } from './whatsapp/status.js';
export { WHATSAPP_ERROR_CODES, isRetryableWhatsAppError } from './whatsapp/errors.js';
export type { WhatsAppErrorClass } from './whatsapp/errors.js';
export { whatsappSignature, verifyWhatsAppSignature } from './whatsapp/signature.js';
export { parseWhatsAppWebhook } from './whatsapp/webhook.js';
export type {
  ParsedWhatsAppWebhook,
  WhatsAppChangeValue,
  WhatsAppStatusObject,
  WhatsAppStatusUpdate,
  WhatsAppWebhookError,
  WhatsAppWebhookPayload,
} from './whatsapp/webhook.js';
export { waId } from './whatsapp/request.js';
export { TelegramTransport } from './telegram/telegram.transport.js';
export type { TelegramTransportOptions } from './telegram/options.js';
export { verifyTelegramSecretToken, TELEGRAM_SECRET_TOKEN_PATTERN } from './telegram/secret-token.js';
export { parseTelegramUpdate, telegramKeyword } from './telegram/update.js';
export type { ParsedTelegramUpdate, TelegramInboundText } from './telegram/update.js';
export { toChatId } from './telegram/request.js';
export type { TelegramChatId } from './telegram/request.js';
export type { StatusUpdate } from './transport.js';
export { SmppTransport } from './smpp/smpp.transport.js';
export type { SmppTransportOptions, SmppLogger } from './smpp/options.js';
export { parseDeliveryReceipt, parseReceiptText, isDeliveryReceipt, RECEIPT_STATS } from './smpp/receipt.js';
export type { DeliveryReceipt, DeliverSmFields, ReceiptStat } from './smpp/receipt.js';
export { smppLibrary } from './smpp/library.js';
export type { SmppLibrary, SmppPdu, SmppServer, SmppSession } from './smpp/library.js';
