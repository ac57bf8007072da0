/** How Herald treats one documented Cloud API error code. */
export interface WhatsAppErrorClass {
  /** True when the same request may succeed later (throttling, outages). */
  retryable: boolean;
  /** Meta's title for the code, for logs and docs. */
  title: string;
}

const permanent = (title: string): WhatsAppErrorClass => ({ retryable: false, title });
const retryable = (title: string): WhatsAppErrorClass => ({ retryable: true, title });

/**
 * The error codes Meta documents for the Cloud API (developers.facebook.com/docs/whatsapp/cloud-api/
 * support/error-codes), both in API answers and in `failed` status webhooks. Throttling and outages
 * are retryable; everything about the request, the account, the recipient or policy is not, because
 * sending the same request again gets the same answer.
 */
export const WHATSAPP_ERROR_CODES: Readonly<Record<number, WhatsAppErrorClass>> = {
  0: permanent('AuthException'),
  1: retryable('API Unknown'),
  2: retryable('API Service'),
  3: permanent('API Method'),
  4: retryable('API Too Many Calls'),
  10: permanent('Permission Denied'),
  33: permanent('Parameter value is not valid'),
  100: permanent('Invalid parameter'),
  190: permanent('Access token has expired'),
  200: permanent('API Permission'),
  368: permanent('Temporarily blocked for policies violations'),
  80007: retryable('Rate limit issues'),
  130429: retryable('Rate limit hit'),
  130472: permanent("User's number is part of an experiment"),
  130497: permanent('Business account is restricted from messaging users in this country'),
  131000: retryable('Something went wrong'),
  131005: permanent('Access denied'),
  131008: permanent('Required parameter is missing'),
  131009: permanent('Parameter value is not valid'),
  131016: retryable('Service unavailable'),
  131021: permanent('Recipient cannot be sender'),
  131026: permanent('Message undeliverable'),
  131030: permanent('Recipient phone number not in allowed list'),
  131031: permanent('Account has been locked'),
  131037: permanent('WhatsApp provided number needs display name approval'),
  131042: permanent('Business eligibility payment issue'),
  131045: permanent('Incorrect certificate'),
  131047: permanent('Re-engagement message'),
  131048: retryable('Spam rate limit hit'),
  // Meta asks to wait a day or more before trying this recipient again: longer than any retry tier.
  131049: permanent('This message was not delivered to maintain healthy ecosystem engagement'),
  131050: permanent('User has stopped marketing messages'),
  131051: permanent('Unsupported message type'),
  131052: permanent('Media download error'),
  131053: permanent('Media upload error'),
  131056: retryable('(Business Account, Consumer Account) pair rate limit hit'),
  131057: retryable('Account in maintenance mode'),
  132000: permanent('Template Param Count Mismatch'),
  132001: permanent('Template does not exist'),
  132005: permanent('Template Hydrated Text Too Long'),
  132007: permanent('Template Format Character Policy Violated'),
  132012: permanent('Template Parameter Format Mismatch'),
  132015: permanent('Template is Paused'),
  132016: permanent('Template is Disabled'),
  133000: permanent('Incomplete Deregistration'),
  133004: retryable('Server Temporarily Unavailable'),
  133005: permanent('Two step verification PIN Mismatch'),
  133010: permanent('Phone number Not Registered'),
  135000: permanent('Generic user error'),
};

/**
 * Whether an error is worth retrying: the documented class of its code when there is one,
 * otherwise the HTTP status (throttling and server errors are, client errors are not).
 */
export function isRetryableWhatsAppError(code: number | null, httpStatus: number): boolean {
  const known = code === null ? undefined : WHATSAPP_ERROR_CODES[code];
  if (known !== undefined) return known.retryable;
  return httpStatus === 429 || httpStatus === 408 || httpStatus >= 500;
}
