export type { Channel, OutboundMessage, ProviderStatus, SendResult, Transport } from './transport.js';
export { TwilioTransport } from './twilio/twilio.transport.js';
export type { TwilioTransportOptions } from './twilio/options.js';
export { mapTwilioStatus, isTwilioMessageStatus, TWILIO_MESSAGE_STATUSES } from './twilio/status.js';
export type { TwilioMessageStatus } from './twilio/status.js';
export { twilioSignature, verifyTwilioSignature } from './twilio/signature.js';
