import { SimulatorOptionError } from '../options.js';

/** The simulated bot. */
export interface TelegramSimOptions {
  /** The token the Bot API accepts in `/bot<token>/...`; its digits before the colon are the bot's id. */
  botToken: string;
  /** The bot's @username, reported as the sender of every message. */
  botUsername: string;
}

/** Any option may be omitted; see DEFAULT_TELEGRAM_SIM. */
export type TelegramSimOptionsInput = Partial<TelegramSimOptions>;

/** Development defaults, shared with Herald's development providers file. */
export const DEFAULT_TELEGRAM_SIM: TelegramSimOptions = {
  botToken: '1000000001:dev-telegram-bot-token',
  botUsername: 'HeraldDevBot',
};

/** Applies defaults and validates once; throws SimulatorOptionError naming `telegram.<option>`. */
export function resolveTelegramSimOptions(input: TelegramSimOptionsInput = {}): TelegramSimOptions {
  const botToken = input.botToken ?? DEFAULT_TELEGRAM_SIM.botToken;
  const botUsername = input.botUsername ?? DEFAULT_TELEGRAM_SIM.botUsername;
  // Never echo the token: the message lands in logs.
  if (!/^\d+:[A-Za-z0-9_-]+$/.test(botToken)) {
    throw new SimulatorOptionError('telegram.botToken', 'must look like 123456789:AAbb-CC_dd');
  }
  if (!/^[A-Za-z]\w{3,31}$/.test(botUsername)) {
    throw new SimulatorOptionError(
      'telegram.botUsername',
      `must be a Telegram username, got "${botUsername}"`,
    );
  }
  return { botToken, botUsername };
}

/** The bot's user id: the digits before the colon of its token. */
export function botIdOf(botToken: string): number {
  return Number(botToken.slice(0, botToken.indexOf(':')));
}
