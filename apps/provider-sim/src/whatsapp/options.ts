import { SimulatorOptionError } from '../options.js';

/** The simulated WhatsApp Business phone number, its app's secret and where its webhook points. */
export interface WhatsAppSimOptions {
  /** The bearer token the Graph API accepts. */
  accessToken: string;
  /** The Graph id of the phone number; the only one this simulated account has. */
  phoneNumberId: string;
  /** The number itself, as webhooks show it in `metadata.display_phone_number`. */
  displayPhoneNumber: string;
  /** The WhatsApp Business Account id, the `entry[].id` of webhooks. */
  businessAccountId: string;
  /** The Meta app secret that signs webhooks (X-Hub-Signature-256). */
  appSecret: string;
  /** Where status webhooks are POSTed: the app's one webhook URL, set once in the App Dashboard. */
  webhookUrl: string;
}

/** Any option may be omitted; see DEFAULT_WHATSAPP_SIM. */
export type WhatsAppSimOptionsInput = Partial<WhatsAppSimOptions>;

/** Development defaults, shared with Herald's development providers file. */
export const DEFAULT_WHATSAPP_SIM: WhatsAppSimOptions = {
  accessToken: 'dev-whatsapp-access-token',
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '15550000003',
  businessAccountId: '102290129340398',
  appSecret: 'dev-whatsapp-app-secret',
  webhookUrl: 'http://127.0.0.1:8080/providers/whatsapp/webhook',
};

/** Applies defaults and validates once; throws SimulatorOptionError naming `whatsapp.<option>`. */
export function resolveWhatsAppSimOptions(input: WhatsAppSimOptionsInput = {}): WhatsAppSimOptions {
  const options = { ...DEFAULT_WHATSAPP_SIM, ...definedOnly(input) };
  for (const name of ['accessToken', 'appSecret'] as const) {
    if (options[name].trim() === '') throw new SimulatorOptionError(`whatsapp.${name}`, 'must not be empty');
  }
  for (const name of ['phoneNumberId', 'displayPhoneNumber', 'businessAccountId'] as const) {
    if (!/^\d{1,20}$/.test(options[name])) {
      throw new SimulatorOptionError(`whatsapp.${name}`, `must be digits only, got "${options[name]}"`);
    }
  }
  if (!isHttpUrl(options.webhookUrl)) {
    throw new SimulatorOptionError(
      'whatsapp.webhookUrl',
      `must be an http(s) URL, got "${options.webhookUrl}"`,
    );
  }
  return options;
}

function definedOnly(input: WhatsAppSimOptionsInput): WhatsAppSimOptionsInput {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
